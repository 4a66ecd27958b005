//! The only readers and writers of files: CSV input with positioned errors, atomic output.

mod groups;
mod input;
mod national;
mod shard;
pub(crate) mod suggest;
mod table;
mod write;

pub use groups::{parse_groups, read_groups};
pub use input::{
    CANDIDATE_COLUMNS, Input, InputPaths, POST_COLUMNS, Source, WISH_COLUMNS, parse_input,
    read_input, read_instance,
};
pub use national::{
    CELLS_FILE, InstanceSource, KNOWN_CANDIDATES, Loaded, NATIONAL_RANK, NationalYear,
    known_candidates, load_instance, parse_national, read_national,
};
pub use shard::{merge_shards, read_model, read_shard};
pub use write::{write_all_atomic, write_atomic};

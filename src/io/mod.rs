//! The only readers and writers of files: CSV input with positioned errors, atomic output.

mod input;
mod suggest;
mod table;
mod write;

pub use input::{
    CANDIDATE_COLUMNS, Input, InputPaths, POST_COLUMNS, Source, WISH_COLUMNS, parse_input,
    read_input,
};
pub use write::{write_all_atomic, write_atomic};

//! The only readers and writers of files: CSV input with positioned errors, atomic output.

mod catalog;
mod csv_fr;
mod generated;
mod groups;
mod history;
mod input;
mod names;
mod national;
mod picks;
mod ranks;
mod shard;
pub(crate) mod suggest;
mod table;
mod text;
mod wish_list;
mod write;

pub use catalog::{
    DES_FILE, DesRow, GROUPS_FILE, GroupRow, Rows, SUBDIVISIONS_FILE, SubdivisionRow, YearlyPosts,
    parse_des_table, parse_groups_table, parse_subdivisions_table, read_des_table,
    read_groups_table, read_subdivisions_table,
};
pub use csv_fr::{BOM, french_files, from_french, is_csv, to_french};
pub use generated::{
    GENERATED_FILES, candidates_csv, command_line, generate_json, generate_value, generated_files,
    generated_summary_text, posts_csv, readme, write_generated,
};
pub use groups::{parse_groups, read_groups};
pub use history::{
    CountSource, HISTORY_YEARS, History, PastStatus, PastYear, parse_history, parse_history_of,
    read_history, read_history_of,
};
pub use input::{
    CANDIDATE_COLUMNS, Input, InputPaths, POST_COLUMNS, Source, WISH_COLUMNS, parse_input,
    read_input, read_instance,
};
pub use names::{
    DES_NAMES_FILE, NameRow, NameTable, SUBDIVISION_NAMES_FILE, instance_names, parse_des_names,
    parse_subdivision_names, read_des_names, read_names, read_subdivision_names,
};
pub use national::{
    CELLS_FILE, Cell, CellTable, GROUP_MODEL_FILE, InstanceSource, KNOWN_CANDIDATES, Loaded,
    NATIONAL_RANK, NationalYear, YearCells, assumed_count, default_model, known_candidates,
    load_instance, national_setup, parse_national, ranked_candidates, read_national, read_scenario,
};
pub(crate) use national::{cesp_seats, rang_basis_warning};
pub use picks::{BadLine, PICK_COLUMNS, PickRow, PicksError, PicksReader};
pub use ranks::{GivenRank, parse_ranks, past_the_count, read_ranks};
pub use shard::{merge_shards, read_model, read_shard};
pub use suggest::did_you_mean;
pub use wish_list::{parse_wish_list, read_wish_list};
pub use write::{Step, recover, write_atomic, write_set, write_set_with};

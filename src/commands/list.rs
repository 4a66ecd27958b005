//! `amphi list des|subdivisions`: the shipped reference tables, for finding a code or a name.

use super::{Output, Progress};
use crate::catalog;
use crate::cli::{ListArgs, ListWhat};
use crate::error::Result;
use crate::io;
use std::path::PathBuf;

/// A validated `amphi list` configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// What to list.
    pub what: ListWhat,
    /// Folder of the shipped data.
    pub data: PathBuf,
}

impl Config {
    /// Takes the flags (there is nothing to check).
    pub fn from_args(args: ListArgs) -> Result<Config> {
        Ok(Config {
            what: args.what,
            data: args.data,
        })
    }
}

/// Reads the tables and renders the list as text and JSON; writes no file.
pub fn run(config: &Config, _progress: &dyn Progress) -> Result<Output> {
    let (text, json) = match config.what {
        ListWhat::Des => {
            let des = io::read_des_table(&config.data)?;
            let mut c = catalog::des_catalog(&des, &io::read_groups_table(&config.data)?)?;
            catalog::add_des_names(&mut c, &io::read_des_names(&config.data)?)?;
            (catalog::des_text(&c), catalog::des_json(&c))
        }
        ListWhat::Subdivisions => {
            let mut c = catalog::subdivision_catalog(&io::read_subdivisions_table(&config.data)?)?;
            catalog::add_subdivision_names(&mut c, &io::read_subdivision_names(&config.data)?)?;
            (
                catalog::subdivisions_text(&c),
                catalog::subdivisions_json(&c),
            )
        }
    };
    Ok(Output {
        out: PathBuf::new(),
        files: Vec::new(),
        text,
        json: json.into_bytes(),
        warnings: Vec::new(),
        failure: None,
    })
}

//! amphi's integration tests: one binary, one module per feature.

mod allocate_rules;
mod calibrate;
mod calibrate_da;
mod catalog;
mod cell_effects;
mod cli;
mod commands;
mod compare;
mod da;
mod docs;
mod edges;
mod example;
mod generate;
mod input_errors;
mod limits;
mod metrics;
mod names;
mod properties;
mod readings;
#[path = "../reference/mod.rs"]
mod reference;
mod replay;
mod report_fr;
mod rules;
mod rules_cli;
mod scenario;
mod semester_engine;
mod serial_dictatorship;
mod simulate;
mod simulate_cli;
mod site;
mod support;
mod wishlist;
mod wishlist_cli;
mod wishlist_da;
mod write_set;

//! amphi's integration tests: one binary, one module per feature.

mod calibrate;
mod catalog;
mod cli;
mod commands;
mod compare;
mod docs;
mod edges;
mod example;
mod generate;
mod input_errors;
mod limits;
mod metrics;
mod properties;
mod readings;
mod replay;
mod rules;
mod rules_cli;
mod scenario;
mod semester_engine;
mod serial_dictatorship;
mod simulate;
mod simulate_cli;
mod support;
mod wishlist;
mod wishlist_cli;
mod write_set;

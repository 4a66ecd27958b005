//! amphi's integration tests: one binary, one module per feature.

mod calibrate;
mod catalog;
mod cli;
mod compare;
mod docs;
mod example;
mod generate;
mod input_errors;
mod metrics;
mod properties;
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

//! Exporters: each turns a result into bytes (CSV, JSON, text); the caller writes them.
//!
//! Row types here are separate from the domain types, so that a file format changes only here.

mod allocation;
mod backtest;
mod calibrate;
mod compare;
mod html;
mod lang;
mod replay;
mod rules;
mod simulate;
pub mod site;
pub mod svg;
mod wishlist;

pub use allocation::{
    RulesOnLists, assignments_csv, posts_outcome_csv, rule_column, rules_assignments_csv,
    rules_posts_outcome_csv, summary_json, summary_text,
};
pub use backtest::BacktestReport;
pub use calibrate::{CalibrationReport, CorrelationRow, Holdout};
pub use compare::{CompareInfo, CompareReport, Facts, ProcedureOrigin};
pub use html::compare_html;
pub use lang::{Lang, Words, parse_number};
pub use replay::{
    FRAME_PICKS, FRAME_POST_LINES, FRAME_REFUSED, Frame, PickTable, ReplayInfo, board_frame,
    board_text, posts_left_csv, refused_csv, refused_text, replay_csv, replay_json,
};
pub use rules::{RuleRow, RulesReport, RulesRun};
pub use simulate::{BandBasis, BandRow, CellRow, DesBandRow, RangBasis, SimulationReport, Value};
pub use wishlist::{
    DaOddsInput, GroupRank, LeftRow, Needed, OddsInput, PlanRow, ReachRow, TargetPoint,
    TargetReport, TwoReport, TwoSemesterRow, WishGroup, WishRow, WishlistReport, WishlistRun,
    YouRow,
};

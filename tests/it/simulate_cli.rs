//! `amphi simulate` and `amphi merge` end to end (written by a helper).

//! Tests of the Monte Carlo runner through the library (written by a helper).

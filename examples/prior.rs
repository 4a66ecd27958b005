//! Writes the prior preference model of a year to stdout: `data/model.json` is this program's
//! output for 2023. See `amphi::prefs::Model::prior` for how it is derived.
//!
//! ```sh
//! cargo run --example prior -- 2023 > data/model.json
//! ```

use amphi::io::read_national;
use amphi::prefs::Model;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let year: u16 = std::env::args()
        .nth(1)
        .ok_or("usage: prior YEAR")?
        .parse()?;
    let national = read_national(Path::new("data"), year, None)?;
    let model = Model::prior(
        &national.instance,
        &national.observed,
        &format!(
            "Prior from the observed rangs limites of {year} (amphi::prefs::Model::prior), \
             not calibrated: each cell weighs seats / rang limite."
        ),
    );
    print!("{}", model.to_json());
    Ok(())
}

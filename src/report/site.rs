//! The files of `amphi site`: the page's assets, as they are in the repository's `web/`
//! folder (built into the binary), and `data.js`, the year's posts, names, past rangs limites
//! and cut-offs for `web/odds.js`. The format is in docs/site.md.

use crate::site::Cutoffs;
use serde::Serialize;

/// The page's files that do not depend on the run, by name.
pub const ASSETS: [(&str, &str); 5] = [
    ("index.html", include_str!("../../web/index.html")),
    ("style.css", include_str!("../../web/style.css")),
    ("odds.js", include_str!("../../web/odds.js")),
    ("app.js", include_str!("../../web/app.js")),
    ("sw.js", include_str!("../../web/sw.js")),
];

/// The version of `data.js`'s format.
pub const FORMAT: u32 = 1;

/// What `data.js` holds (docs/site.md).
#[derive(Debug, Clone, Serialize)]
pub struct SiteData {
    /// [`FORMAT`].
    pub format: u32,
    /// The simulated year.
    pub year: u16,
    /// `da` (deferred acceptance over group rankings, from 2024) or `sd` (serial
    /// dictatorship, until 2023).
    pub procedure: &'static str,
    /// Simulations.
    pub sims: u64,
    /// Master seed.
    pub seed: u64,
    /// Simulations per draw of the model's values, when the odds hold the model's error.
    pub model_error_every: Option<u64>,
    /// Candidates ranked that year (ranks 1 to this in every ranking).
    pub candidates: u32,
    /// The model, in words.
    pub model: String,
    /// amphi and its version.
    pub generated_by: String,
    /// The groups of specialties, in the order of the 13 ranks (empty until 2023).
    pub groups: Vec<SiteGroup>,
    /// The DES.
    pub des: Vec<SiteDes>,
    /// The subdivisions' names.
    pub subdivisions: Vec<String>,
    /// Per subdivision: the other names people use for it (`HCL` for Lyon, `Paris` for
    /// Île-de-France).
    pub subdivision_names: Vec<Vec<String>>,
    /// The posts with seats, in the order of the cut-offs.
    pub posts: Vec<SitePost>,
    /// Past rangs limites.
    pub history: SiteHistory,
    /// The cut-offs, little-endian 16-bit, post by post ([`Cutoffs::values`]), in base64.
    pub cutoffs: String,
}

/// A group of specialties.
#[derive(Debug, Clone, Serialize)]
pub struct SiteGroup {
    /// Its key, e.g. `chir1`.
    pub key: String,
    /// Its label, e.g. `Chirurgie 1`.
    pub label: String,
}

/// A DES.
#[derive(Debug, Clone, Serialize)]
pub struct SiteDes {
    /// Its code, e.g. `MCA`.
    pub code: String,
    /// Its full name, e.g. `Médecine cardiovasculaire`.
    pub name: String,
    /// Its group (index in [`SiteData::groups`]), from 2024.
    pub group: Option<usize>,
    /// The other names people use for it, e.g. `Cardiologie`.
    pub names: Vec<String>,
}

/// A post: a DES in a subdivision.
#[derive(Debug, Clone, Serialize)]
pub struct SitePost {
    /// Its DES (index in [`SiteData::des`]).
    pub des: usize,
    /// Its subdivision (index in [`SiteData::subdivisions`]).
    pub sub: usize,
    /// Its seats.
    pub seats: u32,
    /// Reserved to public-service contract (CESP) signatories.
    pub cesp: bool,
}

/// The past years' rangs limites of each post's cell.
#[derive(Debug, Clone, Serialize)]
pub struct SiteHistory {
    /// The past years, oldest first.
    pub years: Vec<u16>,
    /// Per year: `national` (the national rank, until 2023) or `group` (the rank in the
    /// group of specialties, from 2024).
    pub basis: Vec<&'static str>,
    /// Per year: candidates ranked, when known.
    pub counts: Vec<Option<u32>>,
    /// Per post, per year: the rang limite, `None` when there is none.
    pub ranks: Vec<Vec<Option<u32>>>,
}

/// `data.js`: one script that sets `self.AMPHI_DATA`.
pub fn data_js(data: &SiteData) -> Vec<u8> {
    let json = serde_json::to_string(data).expect("the site's data serializes");
    format!(
        "// amphi site: {} {}, {} simulations, seed {}. Data: LoicWebsite/ecn, CC BY-NC-SA.\n\
         self.AMPHI_DATA = {json};\n",
        data.year, data.procedure, data.sims, data.seed
    )
    .into_bytes()
}

/// The cut-offs of the posts `keep` (in that order), little-endian, in base64.
pub fn cutoffs_base64(cutoffs: &Cutoffs, keep: &[usize]) -> String {
    let sims = cutoffs.sims as usize;
    let mut bytes = Vec::with_capacity(keep.len() * sims * 2);
    for &p in keep {
        for v in &cutoffs.values[p * sims..(p + 1) * sims] {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
    }
    base64(&bytes)
}

/// Standard base64 (RFC 4648, with padding).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_of_rfc_4648() {
        // The test vectors of RFC 4648, section 10.
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), coded);
        }
        assert_eq!(base64(&[0xff, 0xfe, 0x00]), "//4A");
    }

    #[test]
    fn cutoffs_post_by_post_little_endian() {
        let c = Cutoffs {
            sims: 2,
            posts: 2,
            values: vec![1, 0x0102, 0, 65535],
            model_error: None,
        };
        // Post 1 then post 0: 00 00 ff ff 01 00 02 01.
        assert_eq!(
            cutoffs_base64(&c, &[1, 0]),
            base64(&[0, 0, 0xff, 0xff, 1, 0, 2, 1])
        );
    }
}

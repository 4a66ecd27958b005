//! My wish list for `amphi wishlist --list FILE`: a CSV with a `post` column, one wish per
//! line, best first.

use crate::error::{Error, InputError, Result};
use crate::io::table::Table;
use crate::model::{Instance, PostId};
use crate::wishlist::find_post;
use std::path::Path;

/// Reads `path` and resolves its posts in `instance`.
pub fn read_wish_list(path: &Path, instance: &Instance) -> Result<Vec<PostId>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Ok(parse_wish_list(
        &path.display().to_string(),
        &bytes,
        instance,
    )?)
}

/// Parses a wish list (see [`read_wish_list`]): every post must be a post of `instance`, named
/// once.
pub fn parse_wish_list(
    name: &str,
    bytes: &[u8],
    instance: &Instance,
) -> std::result::Result<Vec<PostId>, InputError> {
    let table = Table::parse(name, bytes)?;
    let post_col = table.column("post")?;
    let mut wishes: Vec<(PostId, u64)> = Vec::new();
    for row in &table.rows {
        let cells = table.cells(row);
        let code = cells.required(post_col, "a post id (e.g. OPH@Lyon)")?;
        let post = find_post(instance, code).map_err(|why| {
            let why = why
                .strip_prefix(&format!("{} ", crate::error::quote(code.trim())))
                .unwrap_or(&why)
                .to_owned();
            cells.error(post_col, why)
        })?;
        if let Some(&(_, line)) = wishes.iter().find(|(p, _)| *p == post) {
            return Err(cells.error(post_col, format!("is wished twice: already on line {line}")));
        }
        wishes.push((post, cells.line()));
    }
    if wishes.is_empty() {
        return Err(InputError::file(
            name,
            "lists no wish: expected one post per line",
        ));
    }
    Ok(wishes.into_iter().map(|(p, _)| p).collect())
}

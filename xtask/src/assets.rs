//! The built SPA made cacheable: every file named by its content, and brotli and gzip variants
//! written beside it, so that the server sends a year-long cache lifetime and the smallest
//! encoding without compressing anything per request.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use sha2::{Digest, Sha256};

/// Files that keep their names: the shell every page path is served from (never cached), and the
/// editor's renderer, which the app's own code imports by name.
const NAMED: [&str; 2] = ["index.html", "renderer.js"];

/// Files other files refer to by name, and that are worth compressing.
const TEXT: [&str; 4] = ["html", "js", "css", "svg"];

/// Names every file under `dist` but [`NAMED`] by its content (`style.css` →
/// `style.0123456789abcdef.css`) and points every reference at the new names. A file's hash
/// covers the new names of the files it refers to, so files are renamed leaves first.
pub fn fingerprint(dist: &Path) -> anyhow::Result<()> {
    let mut pending: Vec<String> = files(dist)?
        .into_iter()
        .filter(|name| !NAMED.contains(&name.as_str()))
        .collect();
    let mut renamed: BTreeMap<String, String> = BTreeMap::new();
    while !pending.is_empty() {
        let text_of = |name: &str| -> anyhow::Result<Option<String>> {
            Ok(is_text(name)
                .then(|| std::fs::read_to_string(dist.join(name)))
                .transpose()?)
        };
        let mut ready = None;
        for (at, name) in pending.iter().enumerate() {
            let waits = match text_of(name)? {
                Some(text) => pending.iter().any(|other| other != name && refers(&text, other)),
                None => false,
            };
            if !waits {
                ready = Some(at);
                break;
            }
        }
        let Some(at) = ready else {
            bail!("the files {pending:?} refer to one another in a cycle");
        };
        let name = pending.remove(at);
        let bytes = match text_of(&name)? {
            Some(text) => rewrite(&text, &renamed).into_bytes(),
            None => std::fs::read(dist.join(&name))?,
        };
        let hash = Sha256::digest(&bytes);
        let hashed = with_hash(&name, &hex(&hash[..8]));
        std::fs::write(dist.join(&hashed), &bytes)?;
        std::fs::remove_file(dist.join(&name))?;
        renamed.insert(name, hashed);
    }
    for name in NAMED {
        let path = dist.join(name);
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {name}"))?;
        std::fs::write(&path, rewrite(&text, &renamed))?;
    }
    Ok(())
}

/// Writes `name.br` and `name.gz` beside each text file and wasm module where they are smaller
/// (the shell is left out: the server writes each page's head into it).
pub fn precompress(dist: &Path) -> anyhow::Result<()> {
    for name in files(dist)? {
        if name == "index.html" || !(is_text(&name) || name.ends_with(".wasm")) {
            continue;
        }
        let bytes = std::fs::read(dist.join(&name))?;
        let mut brotli = Vec::new();
        let params = brotli::enc::BrotliEncoderParams {
            quality: 11,
            lgwin: 24,
            ..Default::default()
        };
        brotli::BrotliCompress(&mut bytes.as_slice(), &mut brotli, &params)
            .with_context(|| format!("compressing {name} with brotli"))?;
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gzip.write_all(&bytes)?;
        let gzip = gzip.finish()?;
        for (suffix, compressed) in [("br", brotli), ("gz", gzip)] {
            if compressed.len() < bytes.len() {
                std::fs::write(dist.join(format!("{name}.{suffix}")), compressed)?;
            }
        }
    }
    Ok(())
}

/// The files under `dir`, as paths relative to it with `/` between folders.
fn files(dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let path = entry?.path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let relative = path.strip_prefix(dir)?.to_string_lossy().replace('\\', "/");
                out.push(relative);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn is_text(name: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, extension)| TEXT.contains(&extension))
}

/// `math/font.woff2` with `0123…` → `math/font.0123….woff2`.
fn with_hash(name: &str, hash: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.ends_with('/') => format!("{stem}.{hash}.{extension}"),
        _ => format!("{name}.{hash}"),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Where `name` stands in `text` as a reference: after `/`, a quote or `(`, and before a quote,
/// `)`, `?` or `#` (`"/style.css"`, `'./snippets/a/inline0.js'`, `url(/math/font.woff2)`).
fn references(text: &str, name: &str) -> Vec<usize> {
    text.match_indices(name)
        .filter(|(at, _)| {
            let before = text[..*at].chars().next_back();
            let after = text[at + name.len()..].chars().next();
            matches!(before, Some('/' | '\'' | '"' | '(' | '`'))
                && matches!(after, Some('\'' | '"' | ')' | '?' | '#' | '`'))
        })
        .map(|(at, _)| at)
        .collect()
}

fn refers(text: &str, name: &str) -> bool {
    !references(text, name).is_empty()
}

/// `text` with every reference to a renamed file pointing at its new name.
fn rewrite(text: &str, renamed: &BTreeMap<String, String>) -> String {
    let mut text = text.to_owned();
    for (old, new) in renamed {
        for at in references(&text, old).into_iter().rev() {
            text.replace_range(at..at + old.len(), new);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_whole_names_in_quotes_or_urls() {
        let text = r#"import x from '/frontend.js'; url("/math/a.woff2") "not-frontend.jsx" './snippets/s/inline0.js'"#;
        assert_eq!(references(text, "frontend.js").len(), 1);
        assert_eq!(references(text, "math/a.woff2").len(), 1);
        assert_eq!(references(text, "snippets/s/inline0.js").len(), 1);
        let renamed = BTreeMap::from([("frontend.js".to_owned(), "frontend.0011.js".to_owned())]);
        assert!(rewrite(text, &renamed).starts_with("import x from '/frontend.0011.js';"));
        assert_eq!(with_hash("math/a.woff2", "ff"), "math/a.ff.woff2");
    }
}

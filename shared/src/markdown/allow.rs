//! The one allow-list of math markup, used by the renderer's own check of pulldown-latex output
//! (in the browser and on the server) and by the server's ammonia pass, so the two can never
//! disagree about what a formula may contain: the same tags, the same attributes, and inline
//! styles only of the few forms pulldown-latex writes (colours, a box border, a negative space,
//! a row's height), with small numbers.

/// Tags pulldown-latex 0.8 emits. Anything else in its output means user text leaked into markup.
pub(super) const MATHML_TAGS: &[&str] = &[
    "math",
    "mi",
    "mn",
    "mo",
    "mtext",
    "mspace",
    "mrow",
    "mfrac",
    "msqrt",
    "mroot",
    "msub",
    "msup",
    "msubsup",
    "munder",
    "mover",
    "munderover",
    "mtable",
    "mtr",
    "mtd",
];

/// Tags the renderer builds itself around pulldown-latex output (`\phantom`), after checking it.
#[cfg(feature = "sanitize")]
pub(super) const RENDERER_MATHML_TAGS: &[&str] = &["mphantom"];

/// Attributes pulldown-latex 0.8 emits, and the ones the renderer's repairs add (`accent`,
/// `lspace`, `rspace`); their values are numbers, keywords, its own class names
/// or the styles [`safe_style`] accepts.
pub(super) const MATHML_ATTRIBUTES: &[&str] = &[
    "accent",
    "class",
    "depth",
    "display",
    "displaystyle",
    "height",
    "largeop",
    "linethickness",
    "lspace",
    "mathvariant",
    "maxsize",
    "minsize",
    "movablelimits",
    "rspace",
    "scriptlevel",
    "stretchy",
    "style",
    "symmetric",
    "width",
];

/// The largest length a style may name, in em (as the renderer clamps spaces): wider could
/// draw over the page.
const MAX_EM: f32 = 20.0;

/// Whether an inline style is one pulldown-latex writes: `; `-separated declarations of
/// `color`, `background-color` (`rgb(R G B)`), `border` (`0.06em solid rgb(R G B)`),
/// `margin-left` (a negative length) and `height` (a length), lengths within 20 em. Nothing
/// else (no `url(`, no `position`, no expressions) can pass.
pub(super) fn safe_style(style: &str) -> bool {
    !style.is_empty()
        && style.split("; ").all(|declaration| {
            let Some((property, value)) = declaration.split_once(": ") else {
                return false;
            };
            match property {
                "color" | "background-color" => is_rgb(value),
                "border" => value.strip_prefix("0.06em solid ").is_some_and(is_rgb),
                "margin-left" => length_em(value).is_some_and(|v| (-MAX_EM..0.0).contains(&v)),
                "height" => length_em(value).is_some_and(|v| (-MAX_EM..=MAX_EM).contains(&v)),
                _ => false,
            }
        })
}

/// `rgb(R G B)` with each channel 0 to 255.
fn is_rgb(value: &str) -> bool {
    let Some(channels) = value.strip_prefix("rgb(").and_then(|v| v.strip_suffix(')')) else {
        return false;
    };
    let channels: Vec<&str> = channels.split(' ').collect();
    channels.len() == 3
        && channels.iter().all(|c| {
            !c.is_empty()
                && c.len() <= 3
                && c.bytes().all(|b| b.is_ascii_digit())
                && c.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

/// A decimal number with a unit pulldown-latex writes, in em (roughly, a 10 pt em, as the
/// renderer's own clamp counts).
fn length_em(value: &str) -> Option<f32> {
    let (number, em_per_unit) = [
        ("em", 1.0),
        ("ex", 0.43),
        ("mu", 1.0 / 18.0),
        ("mm", 0.2845),
        ("cm", 2.845),
        ("in", 7.227),
        ("pt", 0.1),
        ("pc", 1.2),
    ]
    .iter()
    .find_map(|(unit, em)| value.strip_suffix(unit).map(|number| (number, *em)))?;
    let digits = number.strip_prefix('-').unwrap_or(number);
    let plain = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|b| *b == b'.').count() <= 1;
    plain
        .then(|| number.parse::<f32>().ok())
        .flatten()
        .map(|n| n * em_per_unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_styles_pulldown_latex_writes_pass() {
        for good in [
            "color: rgb(255 0 0)",
            "color: rgb(0 128 0); background-color: rgb(255 255 0)",
            "border: 0.06em solid rgb(0 0 255)",
            "margin-left: -0.16666667em",
            "margin-left: -2in",
            "height: 1.5ex",
            "height: -1ex",
            "height: 3pc",
        ] {
            assert!(safe_style(good), "{good}");
        }
        for bad in [
            "",
            "color: red",
            "color: rgb(256 0 0)",
            "color: rgb(1 2 3 4)",
            "background: url(https://evil.example/x.png)",
            "background-color: rgb(0 0 0); position: fixed",
            "margin-left: -500em",
            "margin-left: -20in",
            "margin-left: -3cm; margin-left: -30em",
            "margin-left: 1em",
            "height: 99em",
            "height: 1e9em",
            "height: calc(100vh)",
            "color: rgb(0 0 0);position:fixed",
            "color: expression(alert(1))",
        ] {
            assert!(!safe_style(bad), "{bad}");
        }
    }
}

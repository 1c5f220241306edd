//! Formula rendering: LaTeX to MathML through pulldown-latex, with every failure contained in the
//! formula that caused it so the rest of the summary still renders.
//!
//! pulldown-latex writes some user text into its output unescaped (`\operatorname{<img …>}`
//! comes out as an `<img>` tag), so its output is only used after [`checked_mathml`] has confirmed
//! that every tag and attribute in it is MathML it is known to emit.

use std::borrow::Cow;
use std::convert::Infallible;
use std::fmt;
use std::panic::{self, AssertUnwindSafe};

use pulldown_latex::config::DisplayMode;
use pulldown_latex::event::{Content, Dimension, DimensionUnit, EnvironmentFlow, Visual};
use pulldown_latex::{Event, Parser, RenderConfig, Storage, push_mathml};

use super::allow::{MATHML_ATTRIBUTES, MATHML_TAGS, safe_style};
use super::latex::{self, WrapperKind};
use super::{escape_html, mathml};

/// Rendered formulas larger than this are refused rather than sent to readers.
const MAX_MATHML_BYTES: usize = 512 * 1024;
/// The widest space (in em) a formula may ask for; wider ones could push text off the page or
/// draw over the rest of it.
const MAX_SPACE_EM: f32 = 20.0;
/// The thickest fraction bar (in em), for the same reason.
const MAX_RULE_EM: f32 = 0.5;

/// Why a formula was shown as its source instead of as MathML; shown to readers as a tooltip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct MathError(Cow<'static, str>);

impl MathError {
    pub(super) fn new(message: impl Into<Cow<'static, str>>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for MathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Appends `source` as MathML, or as its escaped source marked `math-error` if it cannot be
/// rendered. Numbered equations are numbered on from `equations`, which counts them through a
/// document; a formula that fails numbers nothing.
pub(super) fn push_math(out: &mut String, source: &str, display: bool, equations: &mut u32) {
    // pulldown-latex has panicked on malformed input before (see the checks in `latex`); a
    // formula must not take the page down with it where unwinding is available (the server).
    let mut numbered = *equations;
    let rendered = panic::catch_unwind(AssertUnwindSafe(|| render(source, display, &mut numbered)))
        .unwrap_or_else(|_| Err(MathError::new("formula could not be rendered")));
    if rendered.is_ok() {
        *equations = numbered;
    }
    match rendered {
        // A displayed formula wider than the page scrolls within this box, which keyboard
        // users can reach (and scroll with the arrow keys) and screen readers name.
        Ok(mathml) if display => {
            out.push_str(DISPLAY_OPEN);
            out.push_str(&mathml);
            out.push_str("</span>");
        }
        Ok(mathml) => out.push_str(&mathml),
        Err(error) => push_error(out, source, display, &error),
    }
}

/// The scroll box of a displayed formula (a `span`: a formula may stand inside a paragraph).
pub(super) const DISPLAY_OPEN: &str =
    "<span class=\"math-display\" tabindex=\"0\" role=\"group\" aria-label=\"Formula\">";

/// Renders a formula to MathML, numbering its numbered rows on from `equations`.
pub(super) fn render(source: &str, display: bool, equations: &mut u32) -> Result<String, MathError> {
    let prepared = latex::prepare(source, display)?;
    let mut mathml = render_latex(&prepared.latex, display)?;
    // Wrappers nested in another one have lower indices, so splicing from the highest index
    // down puts each outer fragment (holding its inner placeholders) in place first.
    for (index, wrapper) in prepared.wrappers.iter().enumerate().rev() {
        let inner = render_latex(&wrapper.latex, display)?;
        let inner = strip_math_element(&inner);
        let replacement = match wrapper.kind {
            // The stylesheet draws boxes, strokes and number cells: inline styles are only the
            // ones pulldown-latex writes.
            WrapperKind::Styled(class) => format!("<mrow class=\"{class}\">{inner}</mrow>"),
            WrapperKind::Phantom => format!("<mphantom>{inner}</mphantom>"),
        };
        splice(&mut mathml, index, &replacement)?;
    }
    if mathml.len() > MAX_MATHML_BYTES {
        return Err(MathError::new("formula is too large"));
    }
    mathml::repair(&mathml, display, equations)
}

fn push_error(out: &mut String, source: &str, display: bool, error: &MathError) {
    let delimiter = if display { "$$" } else { "$" };
    out.push_str("<span class=\"math-error\" title=\"");
    escape_html(out, &error.to_string());
    out.push_str("\">");
    escape_html(out, delimiter);
    escape_html(out, source);
    escape_html(out, delimiter);
    out.push_str("</span>");
}

/// Runs pulldown-latex over rewritten LaTeX and returns checked MathML.
fn render_latex(latex: &str, display: bool) -> Result<String, MathError> {
    let storage = Storage::new();
    let parsed: Vec<_> = Parser::new(latex, &storage).collect();
    // pulldown-latex writes function names (`\operatorname{…}`) without escaping them; escaped
    // copies are made up front so the events below can borrow them.
    let mut escaped_names = Vec::new();
    for event in &parsed {
        match event {
            Err(error) => return Err(parser_error(error)),
            Ok(Event::Content(Content::Function(name))) if name.contains(['<', '>', '&']) => {
                let mut escaped = String::with_capacity(name.len() + 8);
                escape_html(&mut escaped, name);
                escaped_names.push(escaped);
            }
            Ok(_) => {}
        }
    }
    let mut escaped_names = escaped_names.iter();
    let events: Vec<Result<Event<'_>, Infallible>> = parsed
        .into_iter()
        .flatten()
        .map(|event| Ok(bounded(event, &mut escaped_names)))
        .collect();
    let config = RenderConfig {
        display_mode: if display {
            DisplayMode::Block
        } else {
            DisplayMode::Inline
        },
        ..RenderConfig::default()
    };
    let mut mathml = String::with_capacity(latex.len() * 16);
    push_mathml(&mut mathml, events.into_iter(), config)
        .map_err(|_| MathError::new("formula could not be rendered"))?;
    checked_mathml(&mathml)
}

/// The first line of a pulldown-latex error; the lines after it draw the source context, which
/// the reader already sees in the error's text.
fn parser_error(error: &impl fmt::Display) -> MathError {
    let message = error.to_string();
    let first_line = message.lines().next().unwrap_or_default();
    let reason = first_line.strip_prefix("parsing error: ").unwrap_or(first_line);
    MathError::new(format!("LaTeX error: {reason}"))
}

/// Escapes function names (in the order they were escaped) and caps sizes users can set.
fn bounded<'a>(event: Event<'a>, escaped_names: &mut impl Iterator<Item = &'a String>) -> Event<'a> {
    match event {
        Event::Content(Content::Function(name)) if name.contains(['<', '>', '&']) => {
            Event::Content(Content::Function(escaped_names.next().map_or("", String::as_str)))
        }
        Event::Space { width, height, depth } => Event::Space {
            width: width.map(|d| clamp(d, -MAX_SPACE_EM, MAX_SPACE_EM)),
            height: height.map(|d| clamp(d, -MAX_SPACE_EM, MAX_SPACE_EM)),
            depth: depth.map(|d| clamp(d, -MAX_SPACE_EM, MAX_SPACE_EM)),
        },
        Event::Visual(Visual::Fraction(Some(thickness))) => {
            Event::Visual(Visual::Fraction(Some(clamp(thickness, 0.0, MAX_RULE_EM))))
        }
        Event::EnvironmentFlow(EnvironmentFlow::NewLine {
            spacing,
            horizontal_lines,
        }) => Event::EnvironmentFlow(EnvironmentFlow::NewLine {
            spacing: spacing.map(|d| clamp(d, -MAX_SPACE_EM, MAX_SPACE_EM)),
            horizontal_lines,
        }),
        event => event,
    }
}

/// Limits a dimension to `[min_em, max_em]`, converting units approximately (a 10 pt em).
fn clamp(dimension: Dimension, min_em: f32, max_em: f32) -> Dimension {
    let em_per_unit = match dimension.unit {
        DimensionUnit::Em => 1.0,
        DimensionUnit::Mu => 1.0 / 18.0,
        DimensionUnit::Ex => 0.43,
        DimensionUnit::Pt => 0.1,
        DimensionUnit::Pc => 1.2,
        DimensionUnit::In => 7.227,
        DimensionUnit::Bp => 0.1004,
        DimensionUnit::Cm => 2.845,
        DimensionUnit::Mm => 0.2845,
        DimensionUnit::Dd => 0.107,
        DimensionUnit::Cc => 1.284,
        DimensionUnit::Sp => 1.0 / 655_360.0,
    };
    let em = dimension.value * em_per_unit;
    if em.is_nan() {
        return Dimension::new(0.0, DimensionUnit::Em);
    }
    if em < min_em || em > max_em {
        return Dimension::new(em.clamp(min_em, max_em), DimensionUnit::Em);
    }
    dimension
}

/// The content of a `<math …>…</math>` element.
fn strip_math_element(mathml: &str) -> &str {
    let inner = mathml
        .strip_prefix("<math")
        .and_then(|rest| rest.split_once('>'))
        .map_or(mathml, |(_, inner)| inner);
    inner.strip_suffix("</math>").unwrap_or(inner)
}

/// Replaces the `<mtext>` holding wrapper `index`'s placeholder by `replacement`.
fn splice(mathml: &mut String, index: usize, replacement: &str) -> Result<(), MathError> {
    let misplaced = || MathError::new(r"\boxed, \phantom, \cancel or \tag cannot be used here");
    let placeholder = latex::placeholder(index).ok_or_else(misplaced)?;
    let at = mathml.find(placeholder).ok_or_else(misplaced)?;
    let start = mathml[..at].rfind("<mtext").ok_or_else(misplaced)?;
    let end = at + placeholder.len_utf8();
    let open_tag = &mathml[start..at];
    if !open_tag.ends_with('>') || open_tag[1..].contains('<') || !mathml[end..].starts_with("</mtext>") {
        return Err(misplaced());
    }
    mathml.replace_range(start..end + "</mtext>".len(), replacement);
    Ok(())
}

/// Checks that `mathml` consists only of the tags and attributes pulldown-latex is known to
/// emit, and escapes the bare `<`, `>` and `&` it leaves in text (`a < b` comes out as
/// `<mo><</mo>`).
fn checked_mathml(mathml: &str) -> Result<String, MathError> {
    let unexpected = || MathError::new("formula could not be rendered safely");
    let bytes = mathml.as_bytes();
    let mut out = String::with_capacity(mathml.len() + 16);
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let replacement = match bytes[i] {
            b'<' => match tag_end(mathml, i) {
                Some(Ok(end)) => {
                    i = end;
                    continue;
                }
                Some(Err(())) => return Err(unexpected()),
                None => "&lt;",
            },
            b'>' => "&gt;",
            b'&' if !is_entity(&mathml[i..]) => "&amp;",
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&mathml[copied..i]);
        out.push_str(replacement);
        i += 1;
        copied = i;
    }
    out.push_str(&mathml[copied..]);
    Ok(out)
}

/// If a tag starts at `start`, where it ends, or `Err` if it is not one pulldown-latex emits.
fn tag_end(mathml: &str, start: usize) -> Option<Result<usize, ()>> {
    let bytes = mathml.as_bytes();
    let closing = bytes.get(start + 1) == Some(&b'/');
    let name_start = start + 1 + usize::from(closing);
    if !bytes.get(name_start)?.is_ascii_alphabetic() {
        return None;
    }
    let name_len = bytes[name_start..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let name = &mathml[name_start..name_start + name_len];
    if !MATHML_TAGS.contains(&name) {
        return Some(Err(()));
    }
    let mut i = name_start + name_len;
    if closing {
        return Some(if bytes.get(i) == Some(&b'>') {
            Ok(i + 1)
        } else {
            Err(())
        });
    }
    loop {
        while bytes.get(i) == Some(&b' ') {
            i += 1;
        }
        match bytes.get(i) {
            Some(b'>') => return Some(Ok(i + 1)),
            Some(b'/') if bytes.get(i + 1) == Some(&b'>') => return Some(Ok(i + 2)),
            _ => {}
        }
        let attribute_len = bytes[i..]
            .iter()
            .take_while(|b| b.is_ascii_lowercase() || **b == b'-')
            .count();
        let attribute = &mathml[i..i + attribute_len];
        if !MATHML_ATTRIBUTES.contains(&attribute) {
            return Some(Err(()));
        }
        i += attribute_len;
        if bytes.get(i..i + 2) != Some(b"=\"") {
            return Some(Err(()));
        }
        i += 2;
        let Some(value_len) = bytes[i..].iter().position(|&b| b == b'"') else {
            return Some(Err(()));
        };
        let value = &mathml[i..i + value_len];
        if value.contains(['<', '>', '&']) || (attribute == "style" && !safe_style(value)) {
            return Some(Err(()));
        }
        i += value_len + 1;
    }
}

/// Whether `text` starts with a character reference such as `&lt;` or `&#x27;`.
fn is_entity(text: &str) -> bool {
    // Only a short prefix is looked at, so text full of `&` stays linear to check.
    let body = text.as_bytes().get(1..).unwrap_or_default();
    let body = &body[..body.len().min(33)];
    let Some(end) = body.iter().position(|&b| b == b';') else {
        return false;
    };
    let name = &body[..end];
    match name.strip_prefix(b"#") {
        Some(number) => match number.strip_prefix(b"x").or_else(|| number.strip_prefix(b"X")) {
            Some(hex) => !hex.is_empty() && hex.iter().all(u8::is_ascii_hexdigit),
            None => !number.is_empty() && number.iter().all(u8::is_ascii_digit),
        },
        None => !name.is_empty() && name.iter().all(u8::is_ascii_alphanumeric),
    }
}

#[cfg(test)]
mod tests {
    use super::super::corpus::{CORPUS, DISPLAY_CORPUS, SHAPES};
    use super::*;

    fn corpus() -> impl Iterator<Item = (&'static str, bool)> {
        CORPUS
            .iter()
            .map(|f| (*f, false))
            .chain(CORPUS.iter().map(|f| (*f, true)))
            .chain(DISPLAY_CORPUS.iter().map(|f| (*f, true)))
    }

    /// Checks, independently of the renderer's own repair pass, the shape MathML Core needs:
    /// script elements and fractions with exactly their children, tables of rows of cells, text
    /// only in token elements, operators never inside `<mi>`/`<mn>`, and no LaTeX source. (`|`
    /// may be an `<mi>`: TeX sets it as an ordinary symbol, and as `<mo>` it would stretch.)
    fn shape_errors(mathml: &str) -> Vec<String> {
        const OPERATORS: &[char] = &[
            '+', '−', '=', '<', '>', '≤', '≥', '≠', '→', '←', '⇒', '∈', '∉', '⊂', '⊆', '∪', '∩', '×', '⋅',
            '÷', '±', '∓', '∼', '≈', '≡', '∝', '∑', '∏', '∫', '(', ')', '[', ']', ',',
        ];
        let mut errors = Vec::new();
        // Open elements, each with the number of child elements seen so far.
        let mut open: Vec<(&str, usize)> = Vec::new();
        let mut rest = mathml;
        while !rest.is_empty() {
            if let Some(tag) = rest.strip_prefix('<') {
                let end = tag.find('>').unwrap_or(tag.len());
                let closing = tag.starts_with('/');
                let name = tag[usize::from(closing)..end]
                    .split([' ', '/'])
                    .next()
                    .unwrap_or_default();
                if closing {
                    let (name, children) = open.pop().unwrap_or_default();
                    let wanted = match name {
                        "msub" | "msup" | "mfrac" | "mroot" | "munder" | "mover" => Some(2),
                        "msubsup" | "munderover" => Some(3),
                        _ => None,
                    };
                    if wanted.is_some_and(|n| n != children) {
                        errors.push(format!("<{name}> has {children} children"));
                    }
                } else {
                    if let Some((parent, children)) = open.last_mut() {
                        *children += 1;
                        let allowed = match *parent {
                            "mtable" => name == "mtr",
                            "mtr" => name == "mtd",
                            "mi" | "mn" | "mo" | "mtext" | "mspace" => false,
                            _ => name != "mtr" && name != "mtd",
                        };
                        if !allowed {
                            errors.push(format!("<{name}> inside <{parent}>"));
                        }
                    }
                    open.push((name, 0));
                }
                rest = &tag[(end + 1).min(tag.len())..];
            } else {
                let end = rest.find('<').unwrap_or(rest.len());
                let text = &rest[..end];
                let parent = open.last().map_or("", |(name, _)| *name);
                if !matches!(parent, "mi" | "mn" | "mo" | "mtext") && !text.trim().is_empty() {
                    errors.push(format!("text {text:?} inside <{parent}>"));
                }
                if matches!(parent, "mi" | "mn") && text.contains(OPERATORS) {
                    errors.push(format!("operator in <{parent}>{text}</{parent}>"));
                }
                if text.contains(['\\', '{', '}']) && text != "\\" && parent != "mo" {
                    errors.push(format!("LaTeX source {text:?} shows"));
                }
                rest = &rest[end..];
            }
        }
        if !open.is_empty() {
            errors.push("unclosed elements".to_owned());
        }
        errors
    }

    #[test]
    fn corpus_mathml_has_the_shape_mathml_core_requires() {
        let formulas: Vec<_> = corpus().collect();
        assert!(formulas.len() >= 80, "the corpus has {} formulas", formulas.len());
        let mut failures = Vec::new();
        for (formula, display) in formulas {
            let Ok(mathml) = render(formula, display, &mut 0) else {
                continue; // corpus_renders_without_error reports these
            };
            for error in shape_errors(&mathml) {
                failures.push(format!("{formula} (display: {display}): {error}\n  {mathml}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn the_shape_checker_finds_the_defects_it_looks_for() {
        for bad in [
            "<math><msub><mspace></mspace><mi>max</mi><mi>a</mi></msub></math>",
            "<math><mi>\\mathrm{argmax}</mi></math>",
            "<math><mi>*{arg</mi></math>",
            "<math><mi>=</mi></math>",
            "<math><mtable><mtd></mtd></mtable></math>",
            "<math><mrow>x</mrow></math>",
        ] {
            assert!(!shape_errors(bad).is_empty(), "{bad}");
        }
        assert!(shape_errors("<math><msub><mi>x</mi><mn>1</mn></msub><mo>{</mo></math>").is_empty());
    }

    /// Formulas that once came out wrong come out as the fix made them.
    #[test]
    fn repaired_defects_stay_repaired() {
        let mut failures = Vec::new();
        for (formula, display, fragments) in SHAPES {
            match render(formula, *display, &mut 0) {
                Ok(mathml) => {
                    for fragment in *fragments {
                        if !mathml.contains(fragment) {
                            failures.push(format!("{formula}: no {fragment}\n  in {mathml}"));
                        }
                    }
                    if mathml.contains('\u{B5}') {
                        failures.push(format!("{formula}: MICRO SIGN in {mathml}"));
                    }
                }
                Err(error) => failures.push(format!("{formula}: {error}")),
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn equations_are_numbered_through_a_document_and_failures_number_nothing() {
        let mut equations = 0;
        let mut out = String::new();
        push_math(
            &mut out,
            r"\begin{align} a \\ b \end{align}",
            true,
            &mut equations,
        );
        push_math(
            &mut out,
            r"\begin{align} c \frac \end{align}",
            true,
            &mut equations,
        );
        push_math(
            &mut out,
            r"\begin{equation} d \end{equation}",
            true,
            &mut equations,
        );
        // Inline, as in KaTeX, environments are not numbered; a nested one is its row's.
        push_math(
            &mut out,
            r"\begin{equation} e \end{equation}",
            false,
            &mut equations,
        );
        push_math(
            &mut out,
            r"\begin{equation} \begin{align} f \tag{F} \\ g \end{align} \end{equation}",
            true,
            &mut equations,
        );
        assert_eq!(equations, 3, "{out}");
        assert_eq!(out.matches("math-eqno").count(), 4, "{out}");
        assert!(out.contains("<mtext>(F)</mtext>"), "{out}");
        assert!(
            out.contains("<mtext>(3)</mtext>") && out.contains("math-error"),
            "{out}"
        );
    }

    /// Decided, not missed: links inside math (`\href`, `\url`; KaTeX too refuses them unless
    /// its `trust` option is set, and Markdown links do the job outside the formula), `\verb`
    /// (Markdown's backticks), `\raisebox` and `\rule` (boxes MathML Core cannot place without
    /// styles we do not let through) and mhchem's `\ce` show as their source, marked as errors.
    #[test]
    fn commands_we_leave_out_are_shown_as_marked_source() {
        for formula in [
            r"\href{https://example.org}{x}",
            r"\url{https://example.org}",
            r"\verb|a_b|",
            r"\raisebox{2pt}{x}",
            r"\rule{1em}{2pt}",
            r"\ce{H2O}",
        ] {
            let mut out = String::new();
            push_math(&mut out, formula, false, &mut 0);
            assert!(out.starts_with("<span class=\"math-error\""), "{formula}: {out}");
            let mut source = String::new();
            escape_html(&mut source, formula);
            assert!(out.contains(&source), "{formula}: {out}");
        }
    }

    /// The README lists the KaTeX commands shown as errors; each one is, whatever follows it.
    #[test]
    fn the_commands_the_readme_calls_unsupported_are_shown_as_errors() {
        let readme = include_str!("../../../README.md");
        let section = readme
            .split_once("<!-- unsupported math: start -->")
            .and_then(|(_, rest)| rest.split_once("<!-- unsupported math: end -->"))
            .map(|(section, _)| section)
            .unwrap_or_default();
        let commands: Vec<&str> = section
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|quoted| quoted.starts_with('\\'))
            .collect();
        assert!(
            commands.len() > 150,
            "the README lists {} commands",
            commands.len()
        );
        let mut rendered = Vec::new();
        for command in commands {
            for probe in [
                command.to_owned(),
                format!("{command}{{a}}"),
                format!("{command}{{a}}{{b}}"),
                format!("a {command} b"),
            ] {
                let mut out = String::new();
                push_math(&mut out, &probe, false, &mut 0);
                if !out.starts_with("<span class=\"math-error\"") {
                    rendered.push(probe);
                }
            }
        }
        assert!(
            rendered.is_empty(),
            "these render, so the README is wrong: {rendered:?}"
        );
    }

    #[test]
    fn corpus_renders_without_error() {
        let mut failures = Vec::new();
        for (formula, display) in corpus() {
            match render(formula, display, &mut 0) {
                Ok(mathml) => assert!(mathml.starts_with("<math"), "{formula}: {mathml}"),
                Err(error) => failures.push(format!("{formula} (display: {display}): {error}")),
            }
        }
        assert!(failures.is_empty(), "formulas failing:\n{}", failures.join("\n"));
    }

    /// Runs `check` on a thread with a 1 MiB stack, the wasm default, so deep recursion shows up
    /// as a crash here rather than in readers' browsers.
    fn on_small_stack(check: impl FnOnce() + Send + 'static) {
        let thread = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(check)
            .expect("spawn test thread");
        if let Err(panic) = thread.join() {
            std::panic::resume_unwind(panic);
        }
    }

    #[test]
    fn input_that_crashes_pulldown_latex_is_refused() {
        on_small_stack(|| {
            for formula in [
                "\\char é".to_owned(),
                "\\charé".to_owned(),
                "\\char`é".to_owned(),
                "\\char99999999999999999999999".to_owned(),
                "\\char'99999999999999999999999".to_owned(),
                "\\char\"FFFFFFFFFFFFFFFFFFFFFF".to_owned(),
                "\\begin{alignat}{é} a \\end{alignat}".to_owned(),
                "\\begin{alignat*}{99999999999999999999} a \\end{alignat*}".to_owned(),
                "\\begin{alignedat}{40000} a \\end{alignedat}".to_owned(),
                "\\hat".repeat(5_000) + "x",
                "x^".to_owned() + &"\\sqrt".repeat(5_000) + "x",
                "{".repeat(100_000) + "x" + &"}".repeat(100_000),
                "\\left(".repeat(10_000) + "x" + &"\\right)".repeat(10_000),
                "\\def\\a{\\a\\a}\\a".to_owned(),
                "\\def\\x{\\char}\\x é".to_owned(),
                "\\newcommand{\\R}{\\mathbb{R}} \\R".to_owned(),
                "x".repeat(100_000),
            ] {
                assert!(
                    render(&formula, true, &mut 0).is_err(),
                    "{formula:.80} was rendered"
                );
            }
        });
    }

    #[test]
    fn no_break_spaces_from_pasted_formulas_render() {
        // pulldown-latex panics when it skips a multi-byte space after a dimension or number.
        for formula in [
            "\\kern1em\u{a0}x",
            "\\char65\u{a0}x",
            "a\u{a0}=\u{2003}b",
            "\\hspace{1em}\u{3000}y",
        ] {
            assert!(render(formula, false, &mut 0).is_ok(), "{formula}");
        }
    }

    /// A deterministic xorshift generator, so failures reproduce.
    struct Random(u64);

    impl Random {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            usize::try_from(self.0 % 1_000_003).unwrap_or_default() % n
        }
    }

    /// Builds a mostly well-formed random formula, so that most reach pulldown-latex rather than
    /// stopping at the pre-pass's brace check.
    fn random_formula(random: &mut Random, depth: usize, out: &mut String) {
        const TOKENS: &[&str] = &[
            "\\frac",
            "^",
            "_",
            "a",
            "1",
            "23.5",
            "&",
            "\\\\",
            "\\sqrt",
            "[",
            "]",
            "\\mathbb",
            "\\operatorname",
            "\\not",
            "=",
            "<",
            ">",
            "\\hline",
            "\\limits",
            "\\sum",
            "\\int",
            "'",
            "\\color{red}",
            "\\overset",
            "\\underbrace",
            "\\middle|",
            "\\big(",
            "%",
            "\\,",
            "\\hspace{1em}",
            "\\kern",
            "\\kern2em",
            "\\binom",
            "\\genfrac",
            "\\substack",
            "\\displaystyle",
            "\\mathrm",
            "\\hat",
            "\\over",
            "\\choose",
            "\\atop",
            "\\tag",
            "\\tag*",
            "\\boxed",
            "\\phantom",
            "\\fbox",
            "\\label",
            "\\smash",
            "\\mathscr",
            "\\bm",
            "\\mod",
            "~",
            "\\$",
            "\\#",
            "#",
            "\\char",
            "\\char65",
            "\\operatorname*",
            "\\xrightarrow",
            "\\bigl",
            "\\bigr",
            "x",
            "\\alpha",
            "é",
            "😀",
            "\u{a0}",
            "\\cr",
            "\\hdashline",
            "\\\\[1em]",
            "\\rule",
            "\\notag",
            "\\llbracket",
            " ",
            "\n",
            "\\textcolor{blue}",
            "\\mathop",
            "\\mathbf",
            "\\boldsymbol",
            "\\text",
            "\\unknown",
            "\\left",
            "\\right",
            "\\end",
            "\\begin",
            "\\vphantom",
            "\\mathclap",
            "\\emph",
            "\\nonumber",
        ];
        const WRAPPERS: &[(&str, &str)] = &[
            ("{", "}"),
            ("\\left(", "\\right)"),
            ("\\left.", "\\right|"),
            ("\\left\\{", "\\right."),
            ("\\begin{pmatrix}", "\\end{pmatrix}"),
            ("\\begin{aligned}", "\\end{aligned}"),
            ("\\begin{array}{c|l}", "\\end{array}"),
            ("\\begin{cases}", "\\end{cases}"),
            ("\\begin{alignat}{2}", "\\end{alignat}"),
            ("\\begin{matrix*}[r]", "\\end{matrix*}"),
            ("\\begin{equation}", "\\end{equation}"),
            ("\\begin{gather}", "\\end{gather}"),
            ("\\text{", "}"),
            ("\\sqrt[", "]{x}"),
        ];
        for _ in 0..=random.below(8) {
            if depth < 4 && random.below(4) == 0 {
                let (open, close) = WRAPPERS[random.below(WRAPPERS.len())];
                out.push_str(open);
                random_formula(random, depth + 1, out);
                out.push_str(close);
            } else {
                out.push_str(TOKENS[random.below(TOKENS.len())]);
            }
        }
    }

    #[test]
    fn random_formulas_never_crash() {
        on_small_stack(|| {
            let mut random = Random(0x9E37_79B9_7F4A_7C15);
            let mut crashed = Vec::new();
            let mut rendered = 0;
            let rounds = 4_000;
            for round in 0..rounds {
                let mut formula = String::new();
                random_formula(&mut random, 0, &mut formula);
                let display = round % 2 == 0;
                match std::panic::catch_unwind(|| render(&formula, display, &mut 0)) {
                    Ok(Ok(_)) => rendered += 1,
                    Ok(Err(_)) => {}
                    Err(_) => crashed.push(formula),
                }
            }
            assert!(crashed.is_empty(), "panicked on: {crashed:#?}");
            // Enough of them reach pulldown-latex for this to test it, not just the pre-pass.
            assert!(rendered > rounds / 10, "only {rendered} rendered");
        });
    }

    #[test]
    fn unexpected_markup_from_the_renderer_is_refused() {
        assert!(checked_mathml("<math><mi><img src=x onerror=alert(1)></mi></math>").is_err());
        assert!(checked_mathml("<math><mi onclick=\"alert(1)\">x</mi></math>").is_err());
        assert!(checked_mathml("<math><mi class=\"a\" style=\"color: rgb(1 2 3)\">x</mi></math>").is_ok());
        assert!(checked_mathml("<math><mi style=\"position: fixed\">x</mi></math>").is_err());
        assert!(checked_mathml("<math><mi class=\"<b>\">x</mi></math>").is_err());
        assert!(checked_mathml("<math><mi class=\"unterminated>x</mi></math>").is_err());
        assert_eq!(
            checked_mathml("<math><mo><</mo><mo>></mo><mi>&</mi><mtext>&amp;&nbsp;</mtext></math>")
                .as_deref(),
            Ok("<math><mo>&lt;</mo><mo>&gt;</mo><mi>&amp;</mi><mtext>&amp;&nbsp;</mtext></math>")
        );
    }

    #[test]
    fn huge_spaces_and_rules_are_capped() {
        let mathml = render(
            r"a\hspace{100000em}b\kern-5000cm c \genfrac{}{}{99em}{}{x}{y}",
            false,
            &mut 0,
        );
        let mathml = mathml.unwrap_or_default();
        assert!(!mathml.contains("100000") && !mathml.contains("5000"), "{mathml}");
        assert!(
            mathml.contains("width=\"20em\"") && mathml.contains("linethickness=\"0.5em\""),
            "{mathml}"
        );
    }

    #[test]
    fn boxed_and_phantom_wrap_their_rendered_content() {
        let boxed = render(r"\boxed{x + 1}", true, &mut 0).unwrap_or_default();
        assert!(boxed.contains("<mrow class=\"math-boxed\""), "{boxed}");
        assert!(boxed.contains("<mi>x</mi><mo>+</mo><mn>1</mn></mrow>"), "{boxed}");
        let phantom = render(r"a \phantom{bc} d", false, &mut 0).unwrap_or_default();
        assert!(
            phantom.contains("<mphantom><mi>b</mi><mi>c</mi></mphantom>"),
            "{phantom}"
        );
        // Forged placeholders are scrubbed, so they cannot pull in another fragment.
        let forged = render("\\text{\u{F0000}} \\boxed{y}", false, &mut 0).unwrap_or_default();
        assert_eq!(forged.matches("math-boxed").count(), 1, "{forged}");
        assert!(!forged.contains('\u{F0000}'), "{forged}");
    }
}

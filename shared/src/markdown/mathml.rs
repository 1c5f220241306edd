//! Repairs to pulldown-latex's MathML, so that every engine that implements MathML Core
//! (Chromium, Firefox, Safari) draws it as LaTeX would, and the last check before a formula is
//! shown: every element has the children MathML Core requires and no LaTeX source shows as text.
//!
//! It works on a small tree of the output that [`super::math`] has already checked tag by tag, so
//! it only sees the tags and attributes of the one allow-list.

use std::fmt::Write as _;

use super::math::MathError;

/// Deeper MathML is refused (the pre-pass bounds groups and command runs, not their product).
const MAX_DEPTH: usize = 512;

/// Accents pulldown-latex writes as `<mi>` over their base (`\hat`, `\tilde`, `\vec`, …); as
/// `<mo>` they are placed as accents, close to the base, at its size.
const ACCENTS: &[&str] = &[
    "^", "ˆ", "~", "˜", "¨", "˙", "´", "`", "ˋ", "ˇ", "˘", "˚", "¯", "→", "←", "ˉ",
];

/// Arrows that `\xrightarrow`, `\overset{…}{\Rightarrow}` and friends stretch under their label.
const ARROWS: &[&str] = &["→", "←", "↔", "⇒", "⇐", "⇔", "↦", "↩", "↪", "⟶", "⟵"];

/// Binary operators pulldown-latex writes as `<mi>` where TeX makes them ordinary symbols (a
/// leading minus, `\cup` after a relation). They stay operators, without space, as TeX sets them.
const ORDINARY_OPERATORS: &[&str] = &[
    "+", "−", "±", "∓", "×", "÷", "⋅", "·", "∘", "∙", "∗", "*", "∪", "∩", "∖", "⊕", "⊖", "⊗", "⊘", "⊙", "⊚",
    "⊛", "⊝", "⊞", "⊟", "⊠", "⊡", "∧", "∨", "⊻", "⋎", "⋏", "⊓", "⊔", "⊎", "⋆", "⋄", "◃", "▹", "△", "▽", "◯",
    "⨿", "≀", "⋉", "⋊", "⋋", "⋌", "⊲", "⊳", "⊴", "⊵", "⋒", "⋓", "∔", "⋇", "⩞", "⋖", "⋗", "⊺", "≍",
];

/// Primes as pulldown-latex writes them after `x'`: a separate `<mi>` beside the base.
const PRIMES: &[char] = &['′', '″', '‴', '⁗'];

#[derive(Debug)]
enum Node {
    Element(Element),
    /// Text as it appears in the markup, escaped.
    Text(String),
}

#[derive(Debug)]
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    children: Vec<Node>,
}

impl Element {
    fn new(name: &str, children: Vec<Node>) -> Self {
        Self {
            name: name.to_owned(),
            attributes: Vec::new(),
            children,
        }
    }

    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    fn set(&mut self, name: &str, value: &str) {
        match self.attributes.iter_mut().find(|(key, _)| key == name) {
            Some((_, old)) => value.clone_into(old),
            None => self.attributes.push((name.to_owned(), value.to_owned())),
        }
    }

    fn has_class(&self, class: &str) -> bool {
        self.attribute("class")
            .is_some_and(|classes| classes.split(' ').any(|c| c == class))
    }

    /// The text of a token element (`<mi>x</mi>`), if that is all it holds.
    fn text(&self) -> Option<&str> {
        match self.children.as_slice() {
            [Node::Text(text)] => Some(text),
            _ => None,
        }
    }

    fn is_token(&self, name: &str, text: impl Fn(&str) -> bool) -> bool {
        self.name == name && self.text().is_some_and(text)
    }
}

/// How many children MathML Core requires of an element, where it fixes the number.
fn arity(name: &str) -> Option<usize> {
    match name {
        "msub" | "msup" | "mfrac" | "mroot" | "munder" | "mover" => Some(2),
        "msubsup" | "munderover" => Some(3),
        _ => None,
    }
}

fn is_script(name: &str) -> bool {
    matches!(
        name,
        "msub" | "msup" | "msubsup" | "munder" | "mover" | "munderover"
    )
}

/// Repairs checked MathML (one `<math>` element) and, in display math, numbers the rows of
/// numbered environments, counting on from `equations`.
pub(super) fn repair(mathml: &str, display: bool, equations: &mut u32) -> Result<String, MathError> {
    let unrenderable = || MathError::new("formula could not be rendered");
    let mut math = parse(mathml).ok_or_else(unrenderable)?;
    repair_element(&mut math, false);
    // As in KaTeX, environments in inline math are not numbered.
    if display {
        number_tables(&mut math, equations);
    }
    remove_markers(&mut math);
    validate(&math)?;
    let mut out = String::with_capacity(mathml.len() + 64);
    write(&math, &mut out);
    Ok(out)
}

fn parse(mathml: &str) -> Option<Element> {
    let mut stack = vec![Element::new("", Vec::new())];
    let mut rest = mathml;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("</") {
            let (name, after) = after.split_once('>')?;
            let element = stack.pop()?;
            if element.name != name {
                return None;
            }
            stack.last_mut()?.children.push(Node::Element(element));
            rest = after;
        } else if let Some(after) = rest.strip_prefix('<') {
            let (tag, after) = after.split_once('>')?;
            let (tag, empty) = tag.strip_suffix('/').map_or((tag, false), |tag| (tag, true));
            let (name, mut attributes_text) = tag.split_once(' ').unwrap_or((tag, ""));
            let mut element = Element::new(name, Vec::new());
            loop {
                attributes_text = attributes_text.trim_start();
                if attributes_text.is_empty() {
                    break;
                }
                let (key, value_and_rest) = attributes_text.split_once("=\"")?;
                let (value, tail) = value_and_rest.split_once('"')?;
                element.attributes.push((key.to_owned(), value.to_owned()));
                attributes_text = tail;
            }
            if empty {
                stack.last_mut()?.children.push(Node::Element(element));
            } else {
                if stack.len() > MAX_DEPTH {
                    return None;
                }
                stack.push(element);
            }
            rest = after;
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            stack
                .last_mut()?
                .children
                .push(Node::Text(rest[..end].to_owned()));
            rest = &rest[end..];
        }
    }
    let mut document = stack.pop()?;
    match (stack.is_empty(), document.children.pop()) {
        (true, Some(Node::Element(math))) if math.name == "math" && document.children.is_empty() => {
            Some(math)
        }
        _ => None,
    }
}

fn write(element: &Element, out: &mut String) {
    out.push('<');
    out.push_str(&element.name);
    for (key, value) in &element.attributes {
        let _ = write!(out, " {key}=\"{value}\"");
    }
    out.push('>');
    for child in &element.children {
        match child {
            Node::Element(child) => write(child, out),
            Node::Text(text) => out.push_str(text),
        }
    }
    out.push_str("</");
    out.push_str(&element.name);
    out.push('>');
}

fn repair_element(element: &mut Element, in_script: bool) {
    let scripts = is_script(&element.name);
    for (index, child) in element.children.iter_mut().enumerate() {
        if let Node::Element(child) = child {
            repair_element(child, in_script || (scripts && index > 0));
        }
    }
    hoist_spaces(element);
    repair_primes(element);
    match element.name.as_str() {
        // Chromium draws a lone `∇` italic, as it does a letter; TeX sets it upright.
        "mi" if element.text() == Some("∇") && element.attribute("mathvariant").is_none() => {
            element.set("mathvariant", "normal");
        }
        "mi" if element.text().is_some_and(|t| ORDINARY_OPERATORS.contains(&t)) => {
            element.name = "mo".to_owned();
            element.set("lspace", "0em");
            element.set("rspace", "0em");
        }
        // TeX sets `/` as an ordinary symbol (`\mathrm{m/s}`), and no space around relations
        // and binary operators in sub- and superscripts (`x \sim p`).
        "mo" if in_script || element.text() == Some("/") => {
            if element.attribute("lspace").is_none() {
                element.set("lspace", "0em");
            }
            if element.attribute("rspace").is_none() {
                element.set("rspace", "0em");
            }
        }
        // pulldown-latex escapes the entity it writes for `~` and `\ ` twice.
        "mtext" if element.text() == Some("&amp;nbsp;") => {
            element.children = vec![Node::Text("&nbsp;".to_owned())];
        }
        "mover" => repair_over(element),
        "munder" => repair_under(element),
        _ => {}
    }
}

/// pulldown-latex writes the space before an operator name (`\gamma \max_{a'}`) inside the
/// script element that follows, which then has a child too many; it belongs before it.
fn hoist_spaces(parent: &mut Element) {
    let crowded = |node: &Node| match node {
        Node::Element(e) => arity(&e.name).is_some_and(|n| {
            e.children.len() > n && matches!(&e.children[0], Node::Element(first) if first.name == "mspace")
        }),
        Node::Text(_) => false,
    };
    if !parent.children.iter().any(crowded) {
        return;
    }
    let mut children = Vec::with_capacity(parent.children.len() + 1);
    for mut child in std::mem::take(&mut parent.children) {
        if let Node::Element(e) = &mut child
            && let Some(n) = arity(&e.name)
        {
            while e.children.len() > n
                && matches!(&e.children[0], Node::Element(first) if first.name == "mspace")
            {
                children.push(e.children.remove(0));
            }
        }
        children.push(child);
    }
    parent.children = children;
}

fn is_prime(node: &Node) -> bool {
    matches!(node, Node::Element(e) if (e.name == "mi" || e.name == "mo")
        && e.text().is_some_and(|t| !t.is_empty() && t.chars().all(|c| PRIMES.contains(&c))))
}

/// `x'` comes out as `<mi>x</mi><mi>′</mi>` and `f^\prime` as a superscript. A math font's
/// prime already sits high, so as a superscript (at script size, raised again) it is tiny and far
/// too high: primes stay beside their base, as operators without space around them.
fn repair_primes(parent: &mut Element) {
    let operator = |prime: &mut Element| {
        prime.name = "mo".to_owned();
        prime.set("lspace", "0em");
        prime.set("rspace", "0em");
    };
    for child in &mut parent.children {
        if is_prime(child) {
            if let Node::Element(prime) = child {
                operator(prime);
            }
            continue;
        }
        let Node::Element(element) = child else { continue };
        let raised = matches!(element.name.as_str(), "msup" | "msubsup")
            && element.children.last().is_some_and(is_prime);
        if !raised {
            continue;
        }
        let Some(Node::Element(mut prime)) = element.children.pop() else {
            continue;
        };
        operator(&mut prime);
        let base = if element.name == "msubsup" {
            element.name = "msub".to_owned();
            std::mem::replace(element, Element::new("mrow", Vec::new()))
        } else {
            match element.children.pop() {
                Some(Node::Element(base)) => base,
                _ => continue,
            }
        };
        *element = Element::new("mrow", vec![Node::Element(base), Node::Element(prime)]);
    }
}

/// Accents become operators placed as accents; `\overline`'s bar becomes a rule the stylesheet
/// draws over its base (no math font stretches a bar for every engine); an arrow under a label
/// (`\xrightarrow{f}`) stretches past the label.
fn repair_over(over: &mut Element) {
    let [base, Node::Element(top)] = over.children.as_mut_slice() else {
        return;
    };
    if top.is_token("mo", |t| t == "‾") || top.is_token("mi", |t| t == "‾") {
        let base = std::mem::replace(base, Node::Text(String::new()));
        *over = Element::new("mrow", vec![base]);
        over.set("class", "math-overline");
        return;
    }
    if top.is_token("mo", |t| t == "^") && top.attribute("stretchy") == Some("true") {
        // `\widehat`: the combining circumflex is the one math fonts stretch.
        top.children = vec![Node::Text("\u{302}".to_owned())];
        over.set("accent", "true");
        return;
    }
    if top.is_token("mi", |t| ACCENTS.contains(&t)) {
        top.name = "mo".to_owned();
        top.set("stretchy", "false");
        // The spacing accents, not the ASCII characters, are the accent-sized glyphs.
        let accent = match top.text() {
            Some("~") => Some("˜"),
            Some("^") => Some("ˆ"),
            _ => None,
        };
        if let Some(accent) = accent {
            top.children = vec![Node::Text(accent.to_owned())];
        }
        over.set("accent", "true");
        return;
    }
    let arrow = match base {
        Node::Element(e) if e.is_token("mo", |t| ARROWS.contains(&t)) => Some(e),
        Node::Element(e) if e.name == "mrow" && e.children.len() == 1 => match &mut e.children[0] {
            Node::Element(inner) if inner.is_token("mo", |t| ARROWS.contains(&t)) => Some(inner),
            _ => None,
        },
        _ => None,
    };
    if let Some(arrow) = arrow {
        arrow.set("stretchy", "true");
        let label = std::mem::replace(top, Element::new("mrow", Vec::new()));
        let pad = || {
            let mut space = Element::new("mspace", Vec::new());
            space.set("width", "0.5em");
            Node::Element(space)
        };
        top.children = vec![pad(), Node::Element(label), pad()];
    }
}

/// `\underline`'s low line does not stretch either; it becomes a rule under its base.
fn repair_under(under: &mut Element) {
    if let [base, Node::Element(bottom)] = under.children.as_mut_slice()
        && bottom.is_token("mo", |t| t == "_")
    {
        let base = std::mem::replace(base, Node::Text(String::new()));
        *under = Element::new("mrow", vec![base]);
        under.set("class", "math-underline");
    }
}

/// Numbers the outermost numbered environments in reading order; one nested in another's row
/// is part of that row's equation, as LaTeX allows no second number there.
fn number_tables(element: &mut Element, equations: &mut u32) {
    if element.name == "mtable" && element.has_class("menv-with-eqn") {
        number_rows(element, equations);
        return;
    }
    for child in &mut element.children {
        if let Node::Element(child) = child {
            number_tables(child, equations);
        }
    }
}

/// Appends an equation number to each row of a numbered environment (`align`, `equation`,
/// `gather`), as a last cell the stylesheet sets at the right margin: the next number, the row's
/// `\tag`, or none after `\nonumber`.
fn number_rows(table: &mut Element, equations: &mut u32) {
    for row in &mut table.children {
        let Node::Element(row) = row else { continue };
        let cells: Vec<&Element> = row
            .children
            .iter()
            .filter_map(|cell| match cell {
                Node::Element(cell) => Some(cell),
                Node::Text(_) => None,
            })
            .collect();
        // Rows pulldown-latex adds for a rule (`\hline`) and the empty row after a final `\\`.
        let filler = cells.iter().all(|cell| cell.has_class("menv-nonumber"))
            || cells.iter().all(|cell| cell.children.is_empty());
        if row.name != "mtr" || filler {
            continue;
        }
        let label = match take_marker(row) {
            Some(Marker::NoNumber) => continue,
            Some(Marker::Tag(tag)) => tag,
            None => {
                *equations += 1;
                let mut number = Element::new("mtext", Vec::new());
                number.children.push(Node::Text(format!("({equations})")));
                Node::Element(number)
            }
        };
        let mut cell = Element::new("mtd", vec![label]);
        cell.set("class", "math-eqno");
        row.children.push(Node::Element(cell));
    }
}

enum Marker {
    NoNumber,
    Tag(Node),
}

/// Removes the first `\nonumber` or `\tag` marker the pre-pass left in `element`, outside the
/// number cells of tables nested in it.
fn take_marker(element: &mut Element) -> Option<Marker> {
    for index in 0..element.children.len() {
        let Node::Element(child) = &mut element.children[index] else {
            continue;
        };
        if child.has_class("math-eqno") {
            continue;
        }
        if child.has_class("math-nonumber") {
            element.children.remove(index);
            return Some(Marker::NoNumber);
        }
        if child.has_class("math-tag") {
            return Some(Marker::Tag(element.children.remove(index)));
        }
        if let Some(marker) = take_marker(child) {
            return Some(marker);
        }
    }
    None
}

/// `\nonumber` markers outside a numbered row mark nothing.
fn remove_markers(element: &mut Element) {
    element
        .children
        .retain(|child| !matches!(child, Node::Element(e) if e.has_class("math-nonumber")));
    for child in &mut element.children {
        if let Node::Element(child) = child {
            remove_markers(child);
        }
    }
}

/// The last check: the shape MathML Core requires, and no LaTeX source shown as text.
fn validate(element: &Element) -> Result<(), MathError> {
    let malformed = || MathError::new("formula could not be rendered");
    let elements = element.children.iter().filter_map(|child| match child {
        Node::Element(e) => Some(e),
        Node::Text(_) => None,
    });
    let token = matches!(element.name.as_str(), "mi" | "mn" | "mo" | "mtext");
    if arity(&element.name).is_some_and(|n| element.children.len() != n)
        || (element.name == "mtable" && elements.clone().any(|e| e.name != "mtr"))
        || (element.name == "mtr" && elements.clone().any(|e| e.name != "mtd"))
        || (token && elements.clone().next().is_some())
    {
        return Err(malformed());
    }
    for child in &element.children {
        match child {
            Node::Element(child) => validate(child)?,
            Node::Text(text) if !token && !text.trim().is_empty() => return Err(malformed()),
            Node::Text(text) if leaks_source(text) => {
                return Err(MathError::new("part of the formula would show as LaTeX source"));
            }
            Node::Text(_) => {}
        }
    }
    Ok(())
}

/// Whether text looks like LaTeX that pulldown-latex passed through instead of rendering
/// (`\mathrm{argmax}`): a backslash with anything but itself.
fn leaks_source(text: &str) -> bool {
    text.contains('\\') && text.trim() != "\\"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repaired(mathml: &str) -> String {
        repair(mathml, true, &mut 0).unwrap_or_else(|e| panic!("{mathml}: {e}"))
    }

    #[test]
    fn a_space_inside_a_script_element_moves_before_it() {
        assert_eq!(
            repaired("<math><msub><mspace width=\"0.1667em\"></mspace><mi>max</mi><mi>a</mi></msub></math>"),
            "<math><mspace width=\"0.1667em\"></mspace><msub><mi>max</mi><mi>a</mi></msub></math>"
        );
    }

    #[test]
    fn primes_are_operators_beside_their_base() {
        assert_eq!(
            repaired(
                "<math><mi>s</mi><mi>′</mi><msup><mi>f</mi><mi>″</mi></msup><msubsup><mi>x</mi><mi>i</mi><mi>′</mi></msubsup></math>"
            ),
            "<math><mi>s</mi><mo lspace=\"0em\" rspace=\"0em\">′</mo>\
             <mrow><mi>f</mi><mo lspace=\"0em\" rspace=\"0em\">″</mo></mrow>\
             <mrow><msub><mi>x</mi><mi>i</mi></msub><mo lspace=\"0em\" rspace=\"0em\">′</mo></mrow></math>"
        );
    }

    #[test]
    fn malformed_shapes_and_leaked_source_are_refused() {
        for bad in [
            "<math><msub><mi>a</mi></msub></math>",
            "<math><mfrac><mi>a</mi><mi>b</mi><mi>c</mi></mfrac></math>",
            "<math><mtable><mtd></mtd></mtable></math>",
            "<math><mi>\\mathrm{argmax}</mi></math>",
            "<math><mrow>text</mrow></math>",
            "<math><mi>a</mi>",
            "<math><mi>a</mo></math>",
        ] {
            assert!(repair(bad, true, &mut 0).is_err(), "{bad}");
        }
        assert!(repair("<math><mo>\\</mo></math>", true, &mut 0).is_ok());
    }
}

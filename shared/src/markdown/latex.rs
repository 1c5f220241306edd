//! The pass over a formula's LaTeX that runs before pulldown-latex sees it: it rewrites the KaTeX
//! commands pulldown-latex 0.8 rejects into ones it renders, and refuses input known to crash it.
//!
//! It works on a small tree (brace groups, `\left…\right` pairs and environments) because TeX's
//! infix commands (`a \over b`) take everything else in their group as operands.

use std::borrow::Cow;

use super::math::MathError;

/// Longer formulas are refused: nothing a summary needs comes close, and every later pass is
/// linear in this size.
const MAX_FORMULA_BYTES: usize = 16 * 1024;
/// Deeper nesting of groups, `\left…\right` and environments is refused, which also bounds the
/// recursion of this module's writer.
const MAX_NESTING: usize = 64;
/// pulldown-latex parses an unbraced argument that is itself a command (`\hat\hat x`) by
/// recursion, so a long enough chain overflows the stack and aborts the process (or the wasm
/// app). Runs of commands longer than this are refused; real formulas stay far below it.
const MAX_COMMAND_RUN: usize = 32;
/// Each wrapper (`\boxed`, `\phantom`, `\cancel`, and the markers of `\tag` and `\nonumber`) is
/// rendered separately and spliced in, so their number is capped.
const MAX_WRAPPERS: usize = 128;
/// Placeholders for wrappers are private-use characters from this code point on; the same plane
/// is scrubbed from user input so a formula cannot forge one.
pub(super) const PLACEHOLDER_BASE: u32 = 0xF_0000;

/// Commands that define macros. pulldown-latex expands macros up to a megabyte per formula,
/// which lets a short summary make the server render hundreds of megabytes of MathML, and a
/// macro could hide the commands refused below; KaTeX users rarely define macros in summaries.
const MACRO_DEFINITIONS: &[&str] = &[
    "def",
    "gdef",
    "edef",
    "xdef",
    "let",
    "futurelet",
    "newcommand",
    "renewcommand",
    "providecommand",
];

/// Control words pulldown-latex lacks that have a direct equivalent it supports.
const RENAMES: &[(&str, &str)] = &[
    ("bm", r"\boldsymbol"),
    // Unicode has a single script alphabet, which pulldown-latex already uses for \mathcal.
    ("mathscr", r"\mathcal"),
    ("textnormal", r"\textrm"),
    ("textup", r"\textrm"),
    ("emph", r"\textit"),
    ("llbracket", "\u{27E6}"),
    ("rrbracket", "\u{27E7}"),
    ("mod", r"\quad\operatorname{mod}\,"),
    ("newline", r"\\"),
    // pulldown-latex writes U+00B5 MICRO SIGN, which is not the Greek letter and is upright.
    ("mu", "\u{3BC}"),
    // TeX sets these arrows apart with thick spaces.
    ("iff", r"\;\Longleftrightarrow\;"),
    ("implies", r"\;\Longrightarrow\;"),
    ("impliedby", r"\;\Longleftarrow\;"),
    // KaTeX's aliases for commands pulldown-latex has under their usual names.
    ("Bbb", r"\mathbb"),
    ("bold", r"\mathbf"),
    ("frak", r"\mathfrak"),
    ("pmb", r"\boldsymbol"),
    ("N", r"\mathbb{N}"),
    ("natnums", r"\mathbb{N}"),
    ("Z", r"\mathbb{Z}"),
    ("R", r"\mathbb{R}"),
    ("Reals", r"\mathbb{R}"),
    ("reals", r"\mathbb{R}"),
    ("Complex", r"\mathbb{C}"),
    ("cnums", r"\mathbb{C}"),
    ("real", r"\Re"),
    ("image", r"\Im"),
    ("empty", r"\emptyset"),
    ("O", r"\emptyset"),
    ("infin", r"\infty"),
    ("exist", r"\exists"),
    ("alef", r"\aleph"),
    ("alefsym", r"\aleph"),
    ("weierp", r"\wp"),
    ("thetasym", r"\vartheta"),
    ("lang", r"\langle"),
    ("rang", r"\rangle"),
    ("sub", r"\subset"),
    ("sube", r"\subseteq"),
    ("supe", r"\supseteq"),
    ("plusmn", r"\pm"),
    ("sdot", r"\cdot"),
    ("bull", r"\bullet"),
    ("clubs", r"\clubsuit"),
    ("hearts", r"\heartsuit"),
    ("spades", r"\spadesuit"),
    ("diamonds", r"\diamondsuit"),
    ("rarr", r"\rightarrow"),
    ("larr", r"\leftarrow"),
    ("lrarr", r"\leftrightarrow"),
    ("harr", r"\leftrightarrow"),
    ("uarr", r"\uparrow"),
    ("darr", r"\downarrow"),
    ("Rarr", r"\Rightarrow"),
    ("rArr", r"\Rightarrow"),
    ("Larr", r"\Leftarrow"),
    ("lArr", r"\Leftarrow"),
    ("Lrarr", r"\Leftrightarrow"),
    ("lrArr", r"\Leftrightarrow"),
    ("hArr", r"\Leftrightarrow"),
    ("Harr", r"\Leftrightarrow"),
    ("Uarr", r"\Uparrow"),
    ("uArr", r"\Uparrow"),
    ("Darr", r"\Downarrow"),
    ("dArr", r"\Downarrow"),
    ("space", r"\ "),
    ("enskip", r"\hspace{0.5em}"),
    ("Dagger", r"\ddagger"),
    ("doublecup", r"\Cup"),
    ("varvdots", r"\vdots"),
    ("sect", "\u{A7}"),
    // Operator names of KaTeX's (Russian and other) conventions.
    ("arctg", r"\operatorname{arctg}"),
    ("arcctg", r"\operatorname{arcctg}"),
    ("tg", r"\operatorname{tg}"),
    ("ctg", r"\operatorname{ctg}"),
    ("cotg", r"\operatorname{cotg}"),
    ("cosec", r"\operatorname{cosec}"),
    ("sh", r"\operatorname{sh}"),
    ("ch", r"\operatorname{ch}"),
    ("cth", r"\operatorname{cth}"),
    // Line-breaking hints and struts change nothing in MathML.
    ("allowbreak", ""),
    ("nobreak", ""),
    ("mathstrut", ""),
];

/// Extensible arrows pulldown-latex lacks, and the arrow each labels (`\xrightarrow` and
/// `\xleftarrow` it has); the MathML repair stretches them past the label.
const LABELLED_ARROWS: &[(&str, &str)] = &[
    ("xRightarrow", r"\Rightarrow"),
    ("xLeftarrow", r"\Leftarrow"),
    ("xleftrightarrow", r"\leftrightarrow"),
    ("xLeftrightarrow", r"\Leftrightarrow"),
    ("xmapsto", r"\mapsto"),
    ("xhookrightarrow", r"\hookrightarrow"),
    ("xhookleftarrow", r"\hookleftarrow"),
];

/// Operator names KaTeX defines that take limits below and above in display math, and the name
/// each shows.
const NAMED_LIMIT_OPERATORS: &[(&str, &str)] = &[
    ("argmax", "arg\u{2009}max"),
    ("argmin", "arg\u{2009}min"),
    ("plim", "plim"),
    ("injlim", "inj\u{2009}lim"),
    ("projlim", "proj\u{2009}lim"),
];

/// Strokes through their argument, drawn by the stylesheet.
const CANCELS: &[(&str, &str)] = &[
    ("cancel", "math-cancel"),
    ("bcancel", "math-bcancel"),
    ("xcancel", "math-xcancel"),
];

/// Font commands that may wrap an operator name (`\operatorname{\mathrm{argmax}}`); the name
/// is upright either way.
const NAME_FONTS: &[&str] = &["mathrm", "text", "textrm", "rm", "mathit", "mathsf", "mathbf"];

/// A formula ready for pulldown-latex, plus the fragments its placeholders stand for.
#[derive(Debug)]
pub(super) struct Prepared {
    pub latex: String,
    pub wrappers: Vec<Wrapper>,
}

/// A fragment pulldown-latex cannot wrap itself: rendered on its own, then spliced in where
/// the placeholder `\text{…}` of the same index was rendered.
#[derive(Debug)]
pub(super) struct Wrapper {
    pub kind: WrapperKind,
    pub latex: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum WrapperKind {
    /// An `<mrow>` of this class, which the stylesheet draws: `\boxed{…}` and `\fbox{…}`
    /// (`math-boxed`), the strokes of `\cancel`, `\bcancel` and `\xcancel`, and the markers a
    /// row's `\tag` (`math-tag`) and `\nonumber` (`math-nonumber`) leave for the numbering.
    Styled(&'static str),
    /// `\phantom{…}` and `\hphantom{…}`: takes the space of its content, invisibly.
    Phantom,
}

/// The character standing for wrapper number `index` in the rendered MathML.
pub(super) fn placeholder(index: usize) -> Option<char> {
    u32::try_from(index)
        .ok()
        .and_then(|index| char::from_u32(PLACEHOLDER_BASE + index))
}

/// Rewrites `source` for pulldown-latex, or says why it must not be rendered.
pub(super) fn prepare(source: &str, display: bool) -> Result<Prepared, MathError> {
    if source.len() > MAX_FORMULA_BYTES {
        return Err(MathError::new("formula is too long"));
    }
    let source = normalize(source);
    let root = parse(&source)?;
    let mut writer = Writer {
        display,
        wrappers: Vec::new(),
    };
    let mut out = Out::default();
    // KaTeX accepts `\\` between lines of a formula without an environment; pulldown-latex only
    // inside one, so such formulas are wrapped in the environment KaTeX behaves like.
    let line_breaks = root.iter().any(|node| {
        matches!(
            node,
            Node::Atom(Atom::Symbol('\\') | Atom::Word("cr" | "newline"))
        )
    });
    let environment = if line_breaks {
        let aligned = root
            .iter()
            .any(|node| matches!(node, Node::Atom(Atom::Char('&'))));
        Some(if aligned { "aligned" } else { "gathered" })
    } else {
        None
    };
    if let Some(name) = environment {
        out.raw(r"\begin{");
        out.raw(name);
        out.raw("}");
    }
    writer.body(&root, &mut out)?;
    if let Some(name) = environment {
        out.raw(r"\end{");
        out.raw(name);
        out.raw("}");
    }
    Ok(Prepared {
        latex: out.text,
        wrappers: writer.wrappers,
    })
}

/// Replaces what pulldown-latex mishandles at the character level: it slices strings one byte
/// past any whitespace it skips, which panics on multi-byte spaces such as the no-break spaces
/// that copying from web pages brings along; and placeholder characters are reserved.
fn normalize(source: &str) -> Cow<'_, str> {
    let reserved = |c: char| c.is_whitespace() && !c.is_ascii() || u32::from(c) >= PLACEHOLDER_BASE;
    if !source.contains(reserved) {
        return Cow::Borrowed(source);
    }
    Cow::Owned(
        source
            .chars()
            .map(|c| match c {
                c if c.is_whitespace() && !c.is_ascii() => ' ',
                c if u32::from(c) >= PLACEHOLDER_BASE => char::REPLACEMENT_CHARACTER,
                c => c,
            })
            .collect(),
    )
}

/// The smallest pieces of LaTeX the rewrites look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Atom<'a> {
    /// `\name`, stored without the backslash.
    Word(&'a str),
    /// `\` followed by one character that is not a letter, e.g. `\,` or `\\`.
    Symbol(char),
    Char(char),
}

#[derive(Debug)]
enum Token<'a> {
    Atom(Atom<'a>),
    Open,
    Close,
    Left(Atom<'a>),
    Right(Atom<'a>),
    Begin(&'a str),
    End(&'a str),
}

#[derive(Debug)]
enum Node<'a> {
    Atom(Atom<'a>),
    Group(Vec<Node<'a>>),
    LeftRight {
        open: Atom<'a>,
        body: Vec<Node<'a>>,
        close: Atom<'a>,
    },
    Env {
        name: &'a str,
        body: Vec<Node<'a>>,
    },
}

struct Lexer<'a> {
    rest: &'a str,
}

impl<'a> Lexer<'a> {
    fn next_char(&mut self) -> Option<char> {
        let c = self.rest.chars().next()?;
        self.rest = &self.rest[c.len_utf8()..];
        Some(c)
    }

    fn skip_spaces(&mut self) {
        self.rest = self.rest.trim_start_matches(|c: char| c.is_ascii_whitespace());
    }

    /// Reads the rest of a command after its backslash.
    fn command(&mut self) -> Result<Atom<'a>, MathError> {
        let letters = self.rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        if letters > 0 {
            let (name, rest) = self.rest.split_at(letters);
            self.rest = rest;
            return Ok(Atom::Word(name));
        }
        self.next_char()
            .map(Atom::Symbol)
            .ok_or_else(|| MathError::new("formula ends with a backslash"))
    }

    /// Reads one delimiter after `\left`, `\right` or `\middle`.
    fn delimiter(&mut self, after: &str) -> Result<Atom<'a>, MathError> {
        self.skip_spaces();
        match self.next_char() {
            Some('\\') => self.command(),
            Some(c) if c != '{' && c != '}' && c != '%' => Ok(Atom::Char(c)),
            _ => Err(MathError::new(format!(r"\{after} needs a delimiter"))),
        }
    }

    /// Reads `{name}` after `\begin` or `\end`.
    fn environment_name(&mut self) -> Result<&'a str, MathError> {
        self.skip_spaces();
        let name = self
            .rest
            .strip_prefix('{')
            .and_then(|rest| rest.split_once('}'))
            .filter(|(name, _)| {
                !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphabetic() || b == b'*')
            });
        let Some((name, rest)) = name else {
            return Err(MathError::new(r"\begin and \end need an environment name"));
        };
        self.rest = rest;
        Ok(name)
    }

    fn next_token(&mut self) -> Result<Option<Token<'a>>, MathError> {
        loop {
            let Some(c) = self.next_char() else {
                return Ok(None);
            };
            let token = match c {
                '{' => Token::Open,
                '}' => Token::Close,
                // A comment runs to the end of the line.
                '%' => {
                    self.rest = self.rest.split_once('\n').map_or("", |(_, rest)| rest);
                    continue;
                }
                '\\' => match self.command()? {
                    Atom::Word(name @ ("left" | "right")) => {
                        let delimiter = self.delimiter(name)?;
                        if name == "left" {
                            Token::Left(delimiter)
                        } else {
                            Token::Right(delimiter)
                        }
                    }
                    Atom::Word("begin") => {
                        let name = self.environment_name()?;
                        if matches!(name, "alignat" | "alignat*" | "alignedat") {
                            self.check_column_pairs()?;
                        }
                        Token::Begin(name)
                    }
                    Atom::Word("end") => Token::End(self.environment_name()?),
                    Atom::Word("char") => {
                        self.check_char_code()?;
                        Token::Atom(Atom::Word("char"))
                    }
                    Atom::Word(name) if MACRO_DEFINITIONS.contains(&name) => {
                        return Err(MathError::new(format!(
                            r"\{name}: defining macros is not supported"
                        )));
                    }
                    atom => Token::Atom(atom),
                },
                c => Token::Atom(Atom::Char(c)),
            };
            return Ok(Some(token));
        }
    }

    /// pulldown-latex panics on a `\char` code that is not ASCII, and overflows on long ones; only
    /// the forms TeX documents with codes that fit in a byte are let through.
    fn check_char_code(&self) -> Result<(), MathError> {
        let code = self.rest.trim_start_matches(|c: char| c.is_ascii_whitespace());
        // pulldown-latex reads every ASCII digit that follows, octal or not.
        let short_number =
            |digits: &str| (1..=3).contains(&digits.bytes().take_while(u8::is_ascii_digit).count());
        let valid = match code.as_bytes().first() {
            Some(b) if b.is_ascii_digit() => short_number(code),
            Some(b'\'') => short_number(&code[1..]),
            // pulldown-latex reads upper-case hex digits only.
            Some(b'"') => {
                let digits = code[1..]
                    .bytes()
                    .take_while(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(b))
                    .count();
                (1..=2).contains(&digits)
            }
            Some(b'`') => {
                let quoted = code[1..].strip_prefix('\\').unwrap_or(&code[1..]);
                quoted.chars().next().is_some_and(|c| c.is_ascii())
            }
            _ => false,
        };
        if valid {
            Ok(())
        } else {
            Err(MathError::new(r"\char needs a character code below 256"))
        }
    }

    /// pulldown-latex panics unless alignat's column count is a small ASCII number.
    fn check_column_pairs(&self) -> Result<(), MathError> {
        let argument = self.rest.trim_start_matches(|c: char| c.is_ascii_whitespace());
        let digits = argument
            .strip_prefix('{')
            .and_then(|rest| rest.split_once('}'))
            .map(|(digits, _)| digits.trim());
        match digits {
            Some(digits) if (1..=2).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(())
            }
            _ => Err(MathError::new("alignat needs a number of columns")),
        }
    }
}

enum Frame<'a> {
    Root,
    Group,
    LeftRight(Atom<'a>),
    Env(&'a str),
}

fn parse(source: &str) -> Result<Vec<Node<'_>>, MathError> {
    let unbalanced = || MathError::new(r"unbalanced braces, \left…\right or \begin…\end");
    let mut lexer = Lexer { rest: source };
    let mut stack: Vec<(Frame<'_>, Vec<Node<'_>>)> = vec![(Frame::Root, Vec::new())];
    let mut command_run = 0;
    while let Some(token) = lexer.next_token()? {
        match token {
            Token::Atom(Atom::Word(_) | Atom::Symbol(_)) => {
                command_run += 1;
                if command_run > MAX_COMMAND_RUN {
                    return Err(MathError::new("too many commands in a row"));
                }
            }
            Token::Atom(Atom::Char(c)) if c.is_ascii_whitespace() => {}
            _ => command_run = 0,
        }
        let closed = match token {
            Token::Atom(atom) => Some(Node::Atom(atom)),
            Token::Open | Token::Left(_) | Token::Begin(_) => {
                if stack.len() > MAX_NESTING {
                    return Err(MathError::new("formula is nested too deeply"));
                }
                let frame = match token {
                    Token::Left(open) => Frame::LeftRight(open),
                    Token::Begin(name) => Frame::Env(name),
                    _ => Frame::Group,
                };
                stack.push((frame, Vec::new()));
                None
            }
            Token::Close | Token::Right(_) | Token::End(_) => {
                let Some((frame, body)) = stack.pop() else {
                    return Err(unbalanced());
                };
                let node = match (frame, token) {
                    (Frame::Group, Token::Close) => Node::Group(body),
                    (Frame::LeftRight(open), Token::Right(close)) => Node::LeftRight { open, body, close },
                    (Frame::Env(name), Token::End(end)) if name == end => Node::Env { name, body },
                    _ => return Err(unbalanced()),
                };
                Some(node)
            }
        };
        if let Some(node) = closed {
            match stack.last_mut() {
                Some((_, body)) => body.push(node),
                None => return Err(unbalanced()),
            }
        }
    }
    match stack.pop() {
        Some((Frame::Root, root)) if stack.is_empty() => Ok(root),
        _ => Err(unbalanced()),
    }
}

/// The rewritten LaTeX being built.
#[derive(Default)]
struct Out {
    text: String,
    /// A control word was written last, so a following letter needs a space to stay separate.
    after_word: bool,
}

impl Out {
    fn raw(&mut self, text: &str) {
        // Nothing written (a rename to nothing) leaves a preceding control word open.
        if text.is_empty() {
            return;
        }
        if self.after_word && text.starts_with(|c: char| c.is_ascii_alphabetic()) {
            self.text.push(' ');
        }
        self.text.push_str(text);
        let letters = text.len() - text.trim_end_matches(|c: char| c.is_ascii_alphabetic()).len();
        self.after_word = letters > 0 && text[..text.len() - letters].ends_with('\\');
    }

    fn atom(&mut self, atom: Atom<'_>) {
        match atom {
            Atom::Word(name) => {
                self.text.push('\\');
                self.text.push_str(name);
                self.after_word = true;
            }
            Atom::Symbol(c) => {
                self.text.push('\\');
                self.text.push(c);
                self.after_word = false;
            }
            Atom::Char(c) => {
                if self.after_word && c.is_ascii_alphabetic() {
                    self.text.push(' ');
                }
                self.text.push(c);
                self.after_word = false;
            }
        }
    }
}

/// TeX's infix fraction commands and the prefix form each becomes.
fn infix(node: &Node<'_>) -> Option<&'static str> {
    match node {
        Node::Atom(Atom::Word("over")) => Some(r"\frac"),
        Node::Atom(Atom::Word("choose")) => Some(r"\binom"),
        Node::Atom(Atom::Word("atop")) => Some(r"\genfrac{}{}{0pt}{}"),
        Node::Atom(Atom::Word("brace")) => Some(r"\genfrac\{\}{0pt}{}"),
        Node::Atom(Atom::Word("brack")) => Some(r"\genfrac[]{0pt}{}"),
        _ => None,
    }
}

fn is_space(node: &Node<'_>) -> bool {
    matches!(node, Node::Atom(Atom::Char(c)) if c.is_ascii_whitespace())
}

/// The index of the first node at or after `from` that is not a space.
fn skip_spaces(nodes: &[Node<'_>], from: usize) -> usize {
    from + nodes[from.min(nodes.len())..]
        .iter()
        .take_while(|node| is_space(node))
        .count()
}

/// If `nodes[from..]` starts (after spaces) with `[…]`, the index just past the `]`. The
/// optional arguments looked for (`\\[2pt]`, `\smash[b]`) are short, and looking no further
/// keeps a formula full of unclosed `[` linear to rewrite.
fn optional_argument_end(nodes: &[Node<'_>], from: usize) -> Option<usize> {
    const MAX_OPTIONAL_ARGUMENT: usize = 32;
    let open = skip_spaces(nodes, from);
    if !matches!(nodes.get(open), Some(Node::Atom(Atom::Char('[')))) {
        return None;
    }
    nodes[open..]
        .iter()
        .take(MAX_OPTIONAL_ARGUMENT)
        .position(|node| matches!(node, Node::Atom(Atom::Char(']'))))
        .map(|close| open + close + 1)
}

/// Whether a sub- or superscript follows (after spaces) at `from`.
fn scripted_at(nodes: &[Node<'_>], from: usize) -> bool {
    matches!(
        nodes.get(skip_spaces(nodes, from)),
        Some(Node::Atom(Atom::Char('_' | '^')))
    )
}

/// If `nodes[i]` separates cells or rows, the index just past the separator.
fn separator_end(nodes: &[Node<'_>], i: usize) -> Option<usize> {
    match nodes.get(i)? {
        Node::Atom(Atom::Char('&') | Atom::Word("cr" | "newline")) => Some(i + 1),
        Node::Atom(Atom::Symbol('\\')) => Some(optional_argument_end(nodes, i + 1).unwrap_or(i + 1)),
        _ => None,
    }
}

struct Writer {
    display: bool,
    wrappers: Vec<Wrapper>,
}

impl Writer {
    /// Writes a group's contents, cell by cell, since infix commands apply within a cell.
    fn body(&mut self, nodes: &[Node<'_>], out: &mut Out) -> Result<(), MathError> {
        let mut start = 0;
        let mut i = 0;
        while i < nodes.len() {
            match separator_end(nodes, i) {
                Some(end) => {
                    self.segment(&nodes[start..i], out)?;
                    for separator in &nodes[i..end] {
                        match separator {
                            Node::Atom(atom) => rename(*atom, out),
                            node => verbatim(std::slice::from_ref(node), out),
                        }
                    }
                    i = end;
                    start = end;
                }
                None => i += 1,
            }
        }
        self.segment(&nodes[start..], out)
    }

    fn segment(&mut self, nodes: &[Node<'_>], out: &mut Out) -> Result<(), MathError> {
        let mut infixes = nodes
            .iter()
            .enumerate()
            .filter_map(|(i, node)| Some((i, infix(node)?)));
        let Some((at, prefix)) = infixes.next() else {
            return self.sequence(nodes, out);
        };
        if infixes.next().is_some() {
            return Err(MathError::new(r"only one \over, \choose or \atop per group"));
        }
        out.raw(prefix);
        out.raw("{");
        self.sequence(&nodes[..at], out)?;
        out.raw("}{");
        self.sequence(&nodes[at + 1..], out)?;
        out.raw("}");
        Ok(())
    }

    fn sequence(&mut self, nodes: &[Node<'_>], out: &mut Out) -> Result<(), MathError> {
        let mut i = 0;
        while i < nodes.len() {
            i = match &nodes[i] {
                Node::Atom(Atom::Word(name)) => self.command(name, nodes, i, out)?,
                node => {
                    self.node(node, out)?;
                    i + 1
                }
            };
        }
        Ok(())
    }

    /// Writes the command `nodes[i]`, rewritten if needed, and returns the index after what it
    /// consumed.
    fn command(
        &mut self,
        name: &str,
        nodes: &[Node<'_>],
        i: usize,
        out: &mut Out,
    ) -> Result<usize, MathError> {
        let argument = skip_spaces(nodes, i + 1);
        let has_argument = argument < nodes.len();
        match name {
            // The MathML repair numbers rows; this marker tells it to skip one.
            "notag" | "nonumber" => {
                self.wrap(WrapperKind::Styled("math-nonumber"), String::new(), out)?;
                Ok(i + 1)
            }
            // Numbers cannot be referred to, so labels name nothing.
            "label" | "vphantom" if has_argument => Ok(argument + 1),
            // pulldown-latex passes an operator name through as written, so `arg\,min` or
            // `\mathrm{argmax}` would show as source; the name is written out as plain text.
            // `\operatorname*` and `\mathop` put their limits below and above in display math.
            "operatorname" | "operatornamewithlimits" | "mathop" if has_argument => {
                let starred = matches!(nodes[argument], Node::Atom(Atom::Char('*')));
                let name_at = if starred {
                    skip_spaces(nodes, argument + 1)
                } else {
                    argument
                };
                let Some(node) = nodes.get(name_at) else {
                    return Err(MathError::new(r"\operatorname needs a name"));
                };
                let mut text = String::new();
                let named = operator_name(node, &mut text).and_then(|()| {
                    if text.is_empty() {
                        Err(MathError::new(r"\operatorname needs a name"))
                    } else {
                        Ok(())
                    }
                });
                match named {
                    // pulldown-latex shows `\mathop` of math (`\mathop{\mathbb{E}}`) as its source;
                    // as a group its scripts attach to it, beside it even in display math.
                    Err(_) if name == "mathop" => {
                        self.node(node, out)?;
                        return Ok(name_at + 1);
                    }
                    Err(error) => return Err(error),
                    Ok(()) => {}
                }
                out.raw(r"\operatorname{");
                out.raw(&text);
                out.raw("}");
                let limits = starred || name != "operatorname";
                if limits && self.display && scripted_at(nodes, name_at + 1) {
                    out.raw(r"\limits");
                }
                Ok(name_at + 1)
            }
            // Overlap and height tricks only fine-tune spacing; the content is what matters.
            "smash" | "mathclap" | "mathllap" | "mathrlap" | "clap" | "llap" | "rlap" => {
                Ok(optional_argument_end(nodes, i + 1).unwrap_or(i + 1))
            }
            "boxed" | "phantom" | "hphantom" | "cancel" | "bcancel" | "xcancel" if has_argument => {
                let mut inner = Out::default();
                match &nodes[argument] {
                    Node::Group(children) => self.body(children, &mut inner)?,
                    node => self.node(node, &mut inner)?,
                }
                let kind = match lookup(CANCELS, name) {
                    Some(class) => WrapperKind::Styled(class),
                    None if name == "boxed" => WrapperKind::Styled("math-boxed"),
                    None => WrapperKind::Phantom,
                };
                self.wrap(kind, inner.text, out)?;
                Ok(argument + 1)
            }
            // \fbox takes text, which \text renders the same way.
            "fbox" if has_argument => {
                let mut inner = Out::default();
                inner.raw(r"\text");
                verbatim(&nodes[argument..=argument], &mut inner);
                self.wrap(WrapperKind::Styled("math-boxed"), inner.text, out)?;
                Ok(argument + 1)
            }
            _ if has_argument && lookup(LABELLED_ARROWS, name).is_some() => {
                if optional_argument_end(nodes, i + 1).is_some() {
                    return Err(MathError::new(format!(
                        r"\{name} takes its label in braces, without a label below"
                    )));
                }
                let arrow = lookup(LABELLED_ARROWS, name).unwrap_or_default();
                out.raw(r"\overset");
                match &nodes[argument] {
                    group @ Node::Group(_) => self.node(group, out)?,
                    node => {
                        out.raw("{");
                        self.node(node, out)?;
                        out.raw("}");
                    }
                }
                out.raw("{");
                out.raw(arrow);
                out.raw("}");
                Ok(argument + 1)
            }
            _ if lookup(NAMED_LIMIT_OPERATORS, name).is_some() => {
                let shown = lookup(NAMED_LIMIT_OPERATORS, name).unwrap_or_default();
                out.raw(r"\operatorname{");
                out.raw(shown);
                out.raw("}");
                if self.display && scripted_at(nodes, i + 1) {
                    out.raw(r"\limits");
                }
                Ok(i + 1)
            }
            // Dirac's notation (KaTeX's braket macros); the capitalised forms stretch.
            "bra" | "ket" | "braket" | "Bra" | "Ket" | "Braket" if has_argument => {
                let (open, close) = match name.to_ascii_lowercase().as_str() {
                    "bra" => (r"\langle", "|"),
                    "ket" => ("|", r"\rangle"),
                    _ => (r"\langle", r"\rangle"),
                };
                let stretch = name.starts_with(char::is_uppercase);
                if stretch {
                    out.raw(r"\left");
                }
                out.raw(open);
                self.node(&nodes[argument], out)?;
                if stretch {
                    out.raw(r"\right");
                }
                out.raw(close);
                Ok(argument + 1)
            }
            // A tag becomes a marker: the MathML repair moves it into the number cell of a
            // numbered row; elsewhere it follows the formula, set apart.
            "tag" if self.display && has_argument => {
                let starred = matches!(nodes[argument], Node::Atom(Atom::Char('*')));
                let label = if starred {
                    skip_spaces(nodes, argument + 1)
                } else {
                    argument
                };
                let Some(label_node) = nodes.get(label) else {
                    out.atom(Atom::Word(name));
                    return Ok(i + 1);
                };
                let mut tag = Out::default();
                tag.raw(r"\text{");
                if !starred {
                    tag.raw("(");
                }
                match label_node {
                    Node::Group(children) => verbatim(children, &mut tag),
                    node => verbatim(std::slice::from_ref(node), &mut tag),
                }
                if !starred {
                    tag.raw(")");
                }
                tag.raw("}");
                self.wrap(WrapperKind::Styled("math-tag"), tag.text, out)?;
                Ok(label + 1)
            }
            _ => {
                self.node(&nodes[i], out)?;
                Ok(i + 1)
            }
        }
    }

    fn wrap(&mut self, kind: WrapperKind, latex: String, out: &mut Out) -> Result<(), MathError> {
        let Some(placeholder) =
            placeholder(self.wrappers.len()).filter(|_| self.wrappers.len() < MAX_WRAPPERS)
        else {
            return Err(MathError::new(
                r"too many \boxed, \phantom, \cancel, \tag or \nonumber",
            ));
        };
        self.wrappers.push(Wrapper { kind, latex });
        out.raw(r"\text{");
        out.atom(Atom::Char(placeholder));
        out.raw("}");
        Ok(())
    }

    fn node(&mut self, node: &Node<'_>, out: &mut Out) -> Result<(), MathError> {
        match node {
            Node::Atom(atom) => rename(*atom, out),
            Node::Group(children) => {
                out.raw("{");
                self.body(children, out)?;
                out.raw("}");
            }
            Node::LeftRight { open, body, close } => {
                out.raw(r"\left");
                rename(*open, out);
                self.body(body, out)?;
                out.raw(r"\right");
                rename(*close, out);
            }
            Node::Env { name, body } => {
                out.raw(r"\begin{");
                out.raw(name);
                out.raw("}");
                self.body(body, out)?;
                out.raw(r"\end{");
                out.raw(name);
                out.raw("}");
            }
        }
        Ok(())
    }
}

/// What `name` maps to in one of the tables above.
fn lookup(table: &[(&str, &'static str)], name: &str) -> Option<&'static str> {
    table.iter().find(|(from, _)| *from == name).map(|(_, to)| *to)
}

fn rename(atom: Atom<'_>, out: &mut Out) {
    let replacement = match atom {
        Atom::Word(name) => lookup(RENAMES, name),
        _ => None,
    };
    match replacement {
        Some(to) => out.raw(to),
        None => out.atom(atom),
    }
}

/// Writes an operator name's argument as the plain text pulldown-latex expects: letters, digits
/// and a few marks, with TeX's small spaces as Unicode spaces and font commands dropped.
fn operator_name(node: &Node<'_>, text: &mut String) -> Result<(), MathError> {
    let refused = || MathError::new(r"\operatorname takes letters, digits and small spaces");
    match node {
        Node::Group(children) => {
            for child in children {
                operator_name(child, text)?;
            }
        }
        Node::Atom(Atom::Char(c)) if c.is_ascii_whitespace() => {}
        Node::Atom(Atom::Char(c)) if c.is_alphanumeric() || matches!(c, '-' | '.' | '\'' | '*') => {
            text.push(*c);
        }
        Node::Atom(Atom::Symbol(',' | ':' | ';' | ' ')) => text.push('\u{2009}'),
        Node::Atom(Atom::Symbol('!')) => {}
        Node::Atom(Atom::Word(font)) if NAME_FONTS.contains(font) => {}
        _ => return Err(refused()),
    }
    Ok(())
}

/// Writes nodes back as they were written, for arguments that are text rather than math.
fn verbatim(nodes: &[Node<'_>], out: &mut Out) {
    for node in nodes {
        match node {
            Node::Atom(atom) => out.atom(*atom),
            Node::Group(children) => {
                out.raw("{");
                verbatim(children, out);
                out.raw("}");
            }
            Node::LeftRight { open, body, close } => {
                out.raw(r"\left");
                out.atom(*open);
                verbatim(body, out);
                out.raw(r"\right");
                out.atom(*close);
            }
            Node::Env { name, body } => {
                out.raw(r"\begin{");
                out.raw(name);
                out.raw("}");
                verbatim(body, out);
                out.raw(r"\end{");
                out.raw(name);
                out.raw("}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(source: &str, display: bool) -> String {
        prepare(source, display)
            .map(|prepared| prepared.latex)
            .unwrap_or_else(|error| format!("error: {error}"))
    }

    #[test]
    fn infix_fractions_become_prefix_commands_within_their_group() {
        assert_eq!(rewritten(r"{a \over b}", false), r"{\frac{a }{ b}}");
        assert_eq!(
            rewritten(r"x + {n+1 \choose k}", false),
            r"x + {\binom{n+1 }{ k}}"
        );
        assert_eq!(rewritten(r"{a \atop b}", false), r"{\genfrac{}{}{0pt}{}{a }{ b}}");
        assert_eq!(
            rewritten(r"\left( a \over b \right)", false),
            r"\left(\frac{ a }{ b }\right)"
        );
        // Cells of an environment are separate groups.
        assert_eq!(
            rewritten(r"\begin{matrix} a \over b & c \\ d \end{matrix}", false),
            r"\begin{matrix}\frac{ a }{ b }& c \\ d \end{matrix}"
        );
        // \overline and friends are not \over.
        assert_eq!(
            rewritten(r"\overline{x} \overset{a}{b}", false),
            r"\overline{x} \overset{a}{b}"
        );
        assert!(rewritten(r"a \over b \over c", false).starts_with("error"));
    }

    #[test]
    fn tags_and_nonumber_become_markers_in_display_and_tag_stays_an_error_inline() {
        let prepared = prepare(r"E = mc^2 \tag{1} \nonumber", true).expect("prepares");
        assert_eq!(prepared.latex, "E = mc^2 \\text{\u{F0000}} \\text{\u{F0001}}");
        assert_eq!(prepared.wrappers[0].kind, WrapperKind::Styled("math-tag"));
        assert_eq!(prepared.wrappers[0].latex, r"\text{(1)}");
        assert_eq!(prepared.wrappers[1].kind, WrapperKind::Styled("math-nonumber"));
        assert_eq!(
            prepare(r"x \tag*{A}", true).expect("prepares").wrappers[0].latex,
            r"\text{A}"
        );
        assert_eq!(rewritten(r"x \tag{1}", false), r"x \tag{1}");
    }

    #[test]
    fn operator_names_are_written_as_plain_names() {
        assert_eq!(
            rewritten(r"\operatorname*{arg\,min}_x f", true),
            "\\operatorname{arg\u{2009}min}\\limits_x f"
        );
        assert_eq!(
            rewritten(r"\operatorname*{arg\,min}_x f", false),
            "\\operatorname{arg\u{2009}min}_x f"
        );
        assert_eq!(
            rewritten(r"\mathop{\mathrm{argmax}}_k", true),
            r"\operatorname{argmax}\limits_k"
        );
        assert_eq!(
            rewritten(r"\operatorname{softmax}(z)", true),
            r"\operatorname{softmax}(z)"
        );
        assert!(rewritten(r"\operatorname{\frac{a}{b}}", false).starts_with("error"));
        assert!(rewritten(r"\operatorname{}", false).starts_with("error"));
    }

    #[test]
    fn labelled_arrows_become_arrows_under_their_label() {
        assert_eq!(rewritten(r"\xRightarrow{f}", false), r"\overset{f}{\Rightarrow}");
        assert_eq!(rewritten(r"\ket{\psi}", false), r"|{\psi}\rangle");
        assert_eq!(rewritten(r"\Braket{a}", false), r"\left\langle{a}\right\rangle");
        assert!(rewritten(r"\xRightarrow[g]{f}", false).starts_with("error"));
    }

    #[test]
    fn unsupported_commands_are_renamed_or_dropped() {
        assert_eq!(
            rewritten(r"\mathscr{L} \bm{x}", false),
            r"\mathcal{L} \boldsymbol{x}"
        );
        assert_eq!(rewritten(r"a \label{eq:a} b", false), r"a  b");
        assert_eq!(
            rewritten(r"\mu \iff", false),
            "\u{3BC} \\;\\Longleftrightarrow\\;"
        );
        assert_eq!(rewritten(r"\smash[b]{x} \vphantom{y}z", false), r"{x} z");
        // A renamed command keeps a following letter separate.
        assert_eq!(rewritten(r"\bm x", false), r"\boldsymbol x");
    }

    #[test]
    fn boxed_and_phantom_become_placeholders_for_their_rewritten_content() {
        let prepared = prepare(r"\boxed{a \over b} + \phantom{c}", false).expect("prepares");
        assert_eq!(prepared.latex, "\\text{\u{F0000}} + \\text{\u{F0001}}");
        assert_eq!(prepared.wrappers[0].kind, WrapperKind::Styled("math-boxed"));
        assert_eq!(prepared.wrappers[0].latex, r"\frac{a }{ b}");
        assert_eq!(prepared.wrappers[1].kind, WrapperKind::Phantom);
        assert_eq!(prepared.wrappers[1].latex, "c");
    }

    #[test]
    fn bare_line_breaks_get_an_environment() {
        assert_eq!(
            rewritten(r"a \\ b", true),
            r"\begin{gathered}a \\ b\end{gathered}"
        );
        assert_eq!(
            rewritten(r"a &= b \\ &= c", true),
            r"\begin{aligned}a &= b \\ &= c\end{aligned}"
        );
        assert_eq!(
            rewritten(r"\begin{cases} a \\ b \end{cases}", true),
            r"\begin{cases} a \\ b \end{cases}"
        );
    }

    #[test]
    fn comments_and_no_break_spaces_are_normalized() {
        assert_eq!(rewritten("a % note {\nb", false), "a b");
        assert_eq!(rewritten("a\u{a0}b", false), "a b");
    }

    #[test]
    fn malformed_structure_is_refused() {
        for source in [
            r"{a",
            r"a}",
            r"\left( a",
            r"a \right)",
            r"\begin{matrix} a \end{pmatrix}",
            r"\begin x",
            "\\",
        ] {
            assert!(prepare(source, false).is_err(), "{source}");
        }
    }
}

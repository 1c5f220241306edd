//! Formulas the renderer must handle: what summary authors paste, KaTeX renders, and we have
//! closed gaps for. The renderer's tests render each one; the service's tests check that
//! `POST /render` and a published summary agree on every one.

/// Formulas KaTeX renders that summary authors paste. Every one must render without error;
/// add the formula here whenever a gap is closed.
pub const CORPUS: &[&str] = &[
    // fractions
    r"\frac{a}{b}",
    r"\dfrac{1}{2} + \tfrac{1}{2}",
    r"\frac12",
    r"{a \over b}",
    r"a+b \over c",
    r"\left( x \over y \right)",
    r"{n \choose k}",
    r"\binom{n}{k}",
    r"{a \atop b}",
    r"{n \brack k} + {n \brace k}",
    r"\genfrac{}{}{0pt}{}{a}{b}",
    // sums, integrals and limits
    r"\sum_{i=1}^{n} x_i",
    r"\sum\limits_{i} \int\limits_a^b f",
    r"\int_0^\infty e^{-x}\,dx",
    r"\iint \iiint \oint",
    r"\prod_{k=1}^K p_k",
    r"\lim_{n\to\infty} a_n",
    r"\sum_{\substack{i=1 \\ j \neq i}} a_{ij}",
    r"\sup_x \inf_y \max_z \min_w",
    // matrices and environments
    r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}",
    r"\begin{bmatrix} a_{11} & \cdots & a_{1n} \\ \vdots & \ddots & \vdots \\ a_{m1} & \cdots & a_{mn} \end{bmatrix}",
    r"\begin{vmatrix} a & b \\ c & d \end{vmatrix}",
    r"\begin{Vmatrix} a \end{Vmatrix} \begin{Bmatrix} a \end{Bmatrix}",
    r"\begin{matrix} a & b \end{matrix}",
    r"\begin{smallmatrix} a & b \end{smallmatrix}",
    r"\begin{array}{c|c} a & b \\ \hline c & d \end{array}",
    r"\begin{aligned} a &= b + c \\ &= d \end{aligned}",
    r"\begin{align} a &= b \\ c &= d \end{align}",
    r"\begin{align*} a &= b \nonumber \\ c &= d \notag \end{align*}",
    r"\begin{alignat}{2} a &= b & c &= d \end{alignat}",
    r"\begin{gathered} a \\ b \end{gathered}",
    r"\begin{split} a &= b \\ &= c \end{split}",
    r"\begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}",
    r"\begin{equation} x = 1 \end{equation}",
    r"a = b \\ c = d",
    r"a \newline b \cr c",
    r"a &= b \\ &= c",
    // fonts
    r"\mathbb{R}^n \mathbb{N} \mathbb{Z} \mathbb{Q} \mathbb{C} \mathbb{1}",
    r"\mathcal{L}(\theta) + \mathcal{N}(\mu, \sigma^2)",
    r"\mathscr{L} \mathscr{F}",
    r"\mathbf{x}^\top W \mathbf{y}",
    r"\boldsymbol{\theta} \bm{x}",
    r"\mathrm{d}x \mathsf{T} \mathtt{x} \mathfrak{g} \mathit{x}",
    r"\text{if } x > 0 \textbf{ bold} \textit{ it} \textrm{ rm}",
    r"\textnormal{x} \textup{y} \emph{z}",
    r"\operatorname{argmax}_\theta p(x)",
    r"\operatorname*{argmin}_x f(x)",
    r"\operatorname{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}",
    // delimiters
    r"\left( \frac{a}{b} \right) \left[ x \right] \left\{ x \right\}",
    r"\left\langle x, y \right\rangle",
    r"\left. \frac{df}{dx} \right|_{x=0}",
    r"\left\| x \right\| \lVert x \rVert \lvert x \rvert",
    r"\left\lfloor x \right\rfloor \lceil x \rceil",
    r"\big( \Big( \bigg( \Bigg(",
    r"\llbracket x \rrbracket",
    r"\left( a \middle| b \right)",
    // accents
    r"\hat{x} \tilde{y} \bar{z} \vec{v} \dot{x} \ddot{x}",
    r"\widehat{abc} \widetilde{abc} \overline{AB} \underline{x}",
    r"\hat{\mathbf{y}}",
    r"\overbrace{a+b}^{n} \underbrace{c+d}_{\text{two}}",
    r"\overrightarrow{AB} \overleftarrow{AB}",
    r"\overset{\text{def}}{=} \stackrel{?}{=} \underset{\theta}{\arg\min}",
    // greek
    r"\alpha \beta \gamma \delta \epsilon \varepsilon \zeta \eta \theta \vartheta \iota \kappa \lambda \mu \nu \xi \pi \rho \sigma \tau \upsilon \phi \varphi \chi \psi \omega",
    r"\Gamma \Delta \Theta \Lambda \Xi \Pi \Sigma \Phi \Psi \Omega",
    // norms, expectations, divergences: the ML staples
    r"\|x\|_2",
    r"\|x\|_2^2 + \lambda \|w\|_1",
    r"\nabla_\theta \mathcal{L}",
    r"\mathbb{E}_{x\sim p}[\log q(x)]",
    r"\mathbb{E}_{x \sim p_{\text{data}}}\left[\log D(x)\right]",
    r"D_{KL}(q \| p)",
    r"\mathrm{KL}\left(q(z|x) \,\|\, p(z)\right)",
    r"\theta^* = \arg\min_\theta \mathcal{L}(\theta)",
    r"p(y|x) = \frac{p(x|y)p(y)}{p(x)}",
    r"\text{Var}[X] = \mathbb{E}[X^2] - \mathbb{E}[X]^2",
    r"\mathbb{P}(A \mid B)",
    r"\hat{y} = \operatorname{sign}(w^\top x)",
    r"\sigma(Wx + b)",
    r"\{x \in X : f(x) > 0\}",
    r"x \in \mathbb{R}^{d}",
    // operators and relations
    r"\sqrt{x} \sqrt[3]{y} \sqrt{\frac{a}{b}}",
    r"a \cdot b \times c \div d \pm e \mp f",
    r"a \leq b \geq c \neq d \approx e \equiv f \sim g \simeq h \propto i",
    r"a < b > c \lt d \gt e",
    r"\forall x \exists y \neg z \land \lor \implies \iff",
    r"\partial_x f \infty \emptyset \varnothing",
    r"\subset \subseteq \supset \supseteq \cup \cap \setminus \in \notin",
    r"\to \rightarrow \leftarrow \Rightarrow \Leftarrow \mapsto \leftrightarrow \xrightarrow{f}",
    r"\ldots \cdots \vdots \ddots \dots",
    r"\log \exp \sin \cos \tan \det \dim \ker",
    r"a \bmod b \pmod{n} \mod{m}",
    r"\circ \bullet \star \ast \oplus \otimes \odot",
    r"\top \bot \perp \parallel \intercal",
    r"\ell \hbar \Re \Im \aleph",
    r"\coloneqq \triangleq :=",
    r"\hspace{1em} \quad \qquad \, \; \! \:",
    r"\color{red}{x} \textcolor{blue}{y}",
    r"x' x'' f^\prime",
    r"e^{i\pi} + 1 = 0",
    r"f: X \to Y",
    r"\% \$ \# \& \_ \{ \}",
    r"x^{(i)} y_{t-1} \mathbf{W}_{ij}^{(l)}",
    // gaps closed by the pre-pass
    r"\boxed{x = 1}",
    r"\boxed{\boxed{x}} + \fbox{note}",
    r"x \phantom{y} z \hphantom{w} \vphantom{\frac12}",
    r"\mathbf{a} = \boxed{\sum_i x_i}",
    r"\smash{x} \mathclap{y} \mathrlap{z}",
    r"x \label{eq:1}",
    // physics
    r"\hbar \omega = E",
    r"\langle \psi | H | \psi \rangle",
    r"\nabla \times \mathbf{E} = -\frac{\partial \mathbf{B}}{\partial t}",
    r"i\hbar \frac{\partial}{\partial t} \Psi = \hat{H} \Psi",
    r"\oint_{\partial S} \mathbf{F} \cdot d\mathbf{r}",
    r"\mathrm{m/s} \quad 9.81\,\mathrm{m/s^2}",
    // statistics
    r"\hat{\beta} = (X^\top X)^{-1} X^\top y",
    r"X \sim \mathcal{N}(\mu, \sigma^2)",
    r"\Pr(A \cap B) = \Pr(A)\Pr(B)",
    r"\bar{x} = \frac{1}{n}\sum_{i=1}^n x_i",
    r"\operatorname{Var}(X) = \operatorname{E}[(X - \mu)^2]",
    // defects found by comparison with KaTeX, each repaired
    r"\operatorname*{arg\,min}_{x} f(x)",
    r"\mathop{\mathrm{argmax}}_k x_k",
    r"\text{a}~\text{b} \ c",
    r"\gamma \max_{a'} Q(s',a')",
    r"\left(\frac{QK^\top}{\sqrt{d_k}}\right)V",
    r"\sqrt{\sum_i x_i^2}",
    r"\overline{AB} \underline{CD} \widehat{xyz}",
    r"\mu \nabla f",
    r"\mathbb{E}_{x \sim p_{data}}[x]",
    r"\iff \implies \xrightarrow{f} \xleftarrow{g} \xRightarrow{h}",
    r"\cancel{x} \bcancel{y} \xcancel{z}",
    r"\begin{array}{|l|r|} \hline a & b \\ \hline c & d \\ \hline \end{array}",
    r"f'(x) = \lim_{h \to 0} \frac{f(x+h) - f(x)}{h}",
    r"x_i' + f^\prime",
    r"\not{x} \not\subset \smallint",
    r"\mathop{\mathbb{E}}_{x \sim p} f(x) + \mathop{\bigoplus}_i V_i",
];

/// Display-only corpus: `\tag` works only in display math, as in KaTeX.
pub const DISPLAY_CORPUS: &[&str] = &[
    r"E = mc^2 \tag{1}",
    r"a = b \tag*{(*)}",
    r"\begin{aligned} a &= b \\ &= c \end{aligned} \tag{2.1}",
    r"\begin{align} a &= b \nonumber \\ c &= d \tag{A} \\ e &= f \end{align}",
    r"\begin{equation} \sum_{i=1}^n i = \frac{n(n+1)}{2} \end{equation}",
    r"\begin{gather} a = b \\ c = d \notag \end{gather}",
];

/// What the renderer writes for formulas that once came out wrong, checked by the tests as
/// fragments of its MathML: each formula (inline unless marked display), and fragments its
/// output must contain. Add a row for every defect found.
pub const SHAPES: &[(&str, bool, &[&str])] = &[
    // Operator names are whole names, and `\operatorname*` sets limits below in display math.
    (
        r"\operatorname*{arg\,min}_{x} f",
        false,
        &["<msub><mi>arg\u{2009}min</mi><mrow><mi>x</mi></mrow></msub>"],
    ),
    (
        r"\operatorname*{arg\,min}_{x} f",
        true,
        &["<munder><mi>arg\u{2009}min</mi>"],
    ),
    (
        r"\mathop{\mathrm{argmax}}_k x",
        true,
        &["<munder><mi>argmax</mi><mi>k</mi></munder>"],
    ),
    // The space before an operator name stays outside the script element.
    (
        r"\gamma \max_{a'} Q",
        false,
        &["<mspace width=\"0.1667em\"></mspace><msub><mi>max</mi>"],
    ),
    // `~` and `\ ` are no-break spaces, not the text "&nbsp;".
    (r"\text{a}~\text{b}", false, &["<mtext>&nbsp;</mtext>"]),
    // Primes are operators beside their base.
    (
        r"s'",
        false,
        &["<mi>s</mi><mo lspace=\"0em\" rspace=\"0em\">′</mo>"],
    ),
    (
        r"f^\prime",
        false,
        &["<mrow><mi>f</mi><mo lspace=\"0em\" rspace=\"0em\">′</mo></mrow>"],
    ),
    // Greek letters are the Greek code points, \mu included (not U+00B5 MICRO SIGN).
    (r"\mu", false, &["<mi>\u{3BC}</mi>"]),
    (
        r"\alpha \beta \gamma \delta \epsilon \lambda \pi \sigma \omega",
        false,
        &[
            "<mi>\u{3B1}</mi><mi>\u{3B2}</mi><mi>\u{3B3}</mi><mi>\u{3B4}</mi><mi>\u{3F5}</mi><mi>\u{3BB}</mi><mi>\u{3C0}</mi><mi>\u{3C3}</mi><mi>\u{3C9}</mi>",
        ],
    ),
    (
        r"\varepsilon \vartheta \varphi \phi",
        false,
        &["<mi>\u{3B5}</mi><mi>\u{3D1}</mi><mi>\u{3C6}</mi><mi>\u{3D5}</mi>"],
    ),
    // Capital Greek is upright, as in TeX.
    (
        r"\Gamma \Delta \Omega",
        false,
        &[
            "<mi mathvariant=\"normal\">\u{393}</mi><mi mathvariant=\"normal\">\u{394}</mi><mi mathvariant=\"normal\">\u{3A9}</mi>",
        ],
    ),
    (r"\nabla f", false, &["<mi mathvariant=\"normal\">\u{2207}</mi>"]),
    // Operators are `<mo>`, and fences and radicals stretch.
    (
        r"a + b - c = d \leq e \to f \times g",
        false,
        &[
            "<mo>+</mo>",
            "<mo>−</mo>",
            "<mo>=</mo>",
            "<mo>≤</mo>",
            "<mo>→</mo>",
            "<mo>×</mo>",
        ],
    ),
    (
        r"\left(\frac{a}{b}\right)",
        false,
        &[
            "<mo stretchy=\"true\">(</mo><mfrac>",
            "<mo stretchy=\"true\">)</mo>",
        ],
    ),
    (
        r"\sqrt{\sum_i x_i}",
        false,
        &["<msqrt><mrow><msub><mo movablelimits=\"false\">∑</mo>"],
    ),
    // Display limits go below and above.
    (
        r"\sum_{i=1}^n x_i",
        true,
        &["<munderover><mo movablelimits=\"false\">∑</mo>"],
    ),
    // No space around relations in scripts; `/` is ordinary.
    (
        r"\mathbb{E}_{x \sim p}",
        false,
        &["<mo lspace=\"0em\" rspace=\"0em\">∼</mo>"],
    ),
    (
        r"\mathrm{m/s}",
        false,
        &["<mo lspace=\"0em\" rspace=\"0em\">/</mo>"],
    ),
    // Bars are rules the stylesheet draws; accents are accent operators; wide hats stretch.
    (
        r"\overline{AB}",
        false,
        &["<mrow class=\"math-overline\"><mrow><mi>A</mi><mi>B</mi></mrow></mrow>"],
    ),
    (r"\underline{AB}", false, &["<mrow class=\"math-underline\">"]),
    (
        r"\hat{x} \tilde{y}",
        false,
        &[
            "<mover accent=\"true\"><mrow><mi>x</mi></mrow><mo stretchy=\"false\">ˆ</mo></mover>",
            "<mo stretchy=\"false\">˜</mo>",
        ],
    ),
    (
        r"\widehat{xyz}",
        false,
        &[
            "<mover accent=\"true\">",
            "<mo stretchy=\"true\" lspace=\"0em\" rspace=\"0em\">\u{302}</mo>",
        ],
    ),
    // TeX's long arrows and labelled arrows that stretch past their label.
    (
        r"\iff",
        false,
        &["<mspace width=\"0.2777778em\"></mspace><mo>⟺</mo><mspace width=\"0.2777778em\"></mspace>"],
    ),
    (
        r"\xrightarrow{f}",
        false,
        &["<mover><mo stretchy=\"true\">→</mo><mrow><mspace width=\"0.5em\"></mspace>"],
    ),
    (r"\xRightarrow{f}", false, &["<mo stretchy=\"true\">⇒</mo>"]),
    // Strokes, boxes, colours, rules and alignment classes the stylesheet draws.
    (
        r"\cancel{x} \bcancel{y} \xcancel{z}",
        false,
        &[
            "<mrow class=\"math-cancel\"><mi>x</mi></mrow>",
            "<mrow class=\"math-bcancel\">",
            "<mrow class=\"math-xcancel\">",
        ],
    ),
    (
        r"\boxed{x}",
        false,
        &["<mrow class=\"math-boxed\"><mi>x</mi></mrow>"],
    ),
    (
        r"\color{red}{x} \textcolor{#00ff00}{y}",
        false,
        &["style=\"color: rgb(255 0 0)\"", "style=\"color: rgb(0 255 0)\""],
    ),
    (
        r"\begin{array}{c|c} a & b \\ \hline c & d \end{array}",
        false,
        &["<mtd class=\"menv-right-solid\">", "<mtr class=\"menv-hline\">"],
    ),
    (
        r"\begin{aligned} a &= b \\ &= c \end{aligned}",
        true,
        &["<mtable class=\"menv-alignlike menv-align\">"],
    ),
    (
        r"\begin{cases} 1 & x > 0 \\ 0 & \text{else} \end{cases}",
        true,
        &["<mo stretchy=\"true\">{</mo><mtable class=\"menv-cells-left menv-cases\">"],
    ),
    // Numbered rows carry their number (or tag) in a last cell; \nonumber rows none.
    (
        r"\begin{align} a &= b \\ c &= d \end{align}",
        true,
        &[
            "<mtd><mo>=</mo><mi>b</mi></mtd><mtd class=\"math-eqno\"><mtext>(1)</mtext></mtd></mtr>",
            "<mtd class=\"math-eqno\"><mtext>(2)</mtext></mtd>",
        ],
    ),
    (
        r"\begin{align} a &= b \nonumber \\ c &= d \tag{A} \end{align}",
        true,
        &[
            "<mtd><mo>=</mo><mi>b</mi></mtd></mtr>",
            "<mtd class=\"math-eqno\"><mrow class=\"math-tag\"><mtext>(A)</mtext></mrow></mtd>",
        ],
    ),
    (
        r"\begin{equation} x = 1 \end{equation}",
        true,
        &["<mtd class=\"math-eqno\"><mtext>(1)</mtext></mtd>"],
    ),
    (
        r"E = mc^2 \tag{1}",
        true,
        &["<mn>2</mn></msup><mrow class=\"math-tag\"><mtext>(1)</mtext></mrow>"],
    ),
];

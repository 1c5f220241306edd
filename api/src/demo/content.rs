//! The demo set: real papers (public metadata) with summaries written for this project.

/// A demo reader and writer. Demo accounts have no password: nobody can sign in as them.
pub struct DemoUser {
    pub username: &'static str,
    pub display_name: &'static str,
    pub bio: &'static str,
}

pub struct DemoPaper {
    pub arxiv_id: &'static str,
    pub title: &'static str,
    pub authors: &'static [&'static str],
    pub venue: &'static str,
    pub year: i32,
    pub published: &'static str,
    pub doi: Option<&'static str>,
    pub dblp_key: Option<&'static str>,
    pub abstract_text: &'static str,
}

pub struct DemoSummary {
    /// Index into [`PAPERS`].
    pub paper: usize,
    /// Index into [`USERS`].
    pub author: usize,
    pub anonymous: bool,
    pub days_ago: i64,
    pub tags: &'static [&'static str],
    /// Votes from other demo users: (user index, +1 or -1).
    pub votes: &'static [(usize, i16)],
    pub body: &'static str,
}

pub const USERS: &[DemoUser] = &[
    DemoUser {
        username: "mira",
        display_name: "Mira Okafor",
        bio: "Probabilistic machine learning; writes the derivations down so she does not have to redo them.",
    },
    DemoUser {
        username: "tomas",
        display_name: "Tomás Lindqvist",
        bio: "Computer vision engineer. Reads papers on the train.",
    },
    DemoUser {
        username: "weili",
        display_name: "Wei Li",
        bio: "Optimisation and learning theory.",
    },
];

pub const PAPERS: &[DemoPaper] = &[
    DemoPaper {
        arxiv_id: "1312.6114",
        title: "Auto-Encoding Variational Bayes",
        authors: &["Diederik P. Kingma", "Max Welling"],
        venue: "ICLR",
        year: 2014,
        published: "2013-12-20T00:00:00Z",
        doi: None,
        dblp_key: Some("journals/corr/KingmaW13"),
        abstract_text: "A stochastic variational inference and learning algorithm for directed probabilistic models with continuous latent variables and intractable posteriors, using a reparameterised lower bound estimator.",
    },
    DemoPaper {
        arxiv_id: "1412.6980",
        title: "Adam: A Method for Stochastic Optimization",
        authors: &["Diederik P. Kingma", "Jimmy Ba"],
        venue: "ICLR",
        year: 2015,
        published: "2014-12-22T00:00:00Z",
        doi: None,
        dblp_key: Some("journals/corr/KingmaB14"),
        abstract_text: "A first-order gradient-based optimiser for stochastic objectives based on adaptive estimates of lower-order moments.",
    },
    DemoPaper {
        arxiv_id: "1512.03385",
        title: "Deep Residual Learning for Image Recognition",
        authors: &["Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"],
        venue: "CVPR",
        year: 2016,
        published: "2015-12-10T00:00:00Z",
        doi: Some("10.1109/cvpr.2016.90"),
        dblp_key: Some("conf/cvpr/HeZRS16"),
        abstract_text: "A residual learning framework that eases the training of networks substantially deeper than those used previously.",
    },
    DemoPaper {
        arxiv_id: "1703.06870",
        title: "Mask R-CNN",
        authors: &["Kaiming He", "Georgia Gkioxari", "Piotr Dollár", "Ross Girshick"],
        venue: "ICCV",
        year: 2017,
        published: "2017-03-20T00:00:00Z",
        doi: Some("10.1109/iccv.2017.322"),
        dblp_key: Some("conf/iccv/HeGDG17"),
        abstract_text: "A framework for object instance segmentation that extends Faster R-CNN with a branch predicting an object mask in parallel with the box branch.",
    },
    DemoPaper {
        arxiv_id: "1703.03400",
        title: "Model-Agnostic Meta-Learning for Fast Adaptation of Deep Networks",
        authors: &["Chelsea Finn", "Pieter Abbeel", "Sergey Levine"],
        venue: "ICML",
        year: 2017,
        published: "2017-03-09T00:00:00Z",
        doi: None,
        dblp_key: Some("conf/icml/FinnAL17"),
        abstract_text: "A meta-learning algorithm compatible with any model trained by gradient descent, which learns an initialisation that adapts to new tasks in a few steps.",
    },
    DemoPaper {
        arxiv_id: "1706.03762",
        title: "Attention Is All You Need",
        authors: &[
            "Ashish Vaswani",
            "Noam Shazeer",
            "Niki Parmar",
            "Jakob Uszkoreit",
            "Llion Jones",
            "Aidan N. Gomez",
            "Łukasz Kaiser",
            "Illia Polosukhin",
        ],
        venue: "NeurIPS",
        year: 2017,
        published: "2017-06-12T00:00:00Z",
        doi: None,
        dblp_key: Some("conf/nips/VaswaniSPUJGKP17"),
        abstract_text: "The Transformer, a sequence transduction architecture based solely on attention mechanisms, dispensing with recurrence and convolutions.",
    },
    DemoPaper {
        arxiv_id: "2006.11239",
        title: "Denoising Diffusion Probabilistic Models",
        authors: &["Jonathan Ho", "Ajay Jain", "Pieter Abbeel"],
        venue: "NeurIPS",
        year: 2020,
        published: "2020-06-19T00:00:00Z",
        doi: None,
        dblp_key: Some("conf/nips/HoJA20"),
        abstract_text: "High quality image synthesis with diffusion probabilistic models, trained on a weighted variational bound connected to denoising score matching.",
    },
];

pub const SUMMARIES: &[DemoSummary] = &[
    DemoSummary {
        paper: 0,
        author: 0,
        anonymous: false,
        days_ago: 2,
        tags: &["variational-inference", "generative-models"],
        votes: &[(1, 1), (2, 1)],
        body: r#"# The problem
We want to fit a latent variable model $p_\theta(x, z) = p_\theta(x \mid z)\,p(z)$ when the posterior $p_\theta(z \mid x)$ is intractable, and we want it to scale to large datasets.

# The trick
Introduce an encoder $q_\phi(z \mid x)$ and maximise the evidence lower bound for each data point:

$$\log p_\theta(x) \ge \mathbb{E}_{q_\phi(z \mid x)}\left[\log p_\theta(x \mid z)\right] - D_{\mathrm{KL}}\left(q_\phi(z \mid x) \,\|\, p(z)\right)$$

The gradient with respect to $\phi$ is the hard part. Writing the sample as a deterministic function of noise,

$$z = \mu_\phi(x) + \sigma_\phi(x) \odot \epsilon, \qquad \epsilon \sim \mathcal{N}(0, I),$$

moves the randomness out of the parameters, so ordinary backpropagation gives a low-variance estimate.

# Why it matters
- One network amortises inference over the whole dataset instead of optimising per-point variational parameters.
- With a Gaussian encoder and prior the KL term has a closed form, so only the reconstruction term is estimated by sampling.
- The same estimator shows up later in diffusion models and normalising flows.
"#,
    },
    DemoSummary {
        paper: 1,
        author: 2,
        anonymous: false,
        days_ago: 5,
        tags: &["optimization"],
        votes: &[(0, 1), (1, 1)],
        body: r#"Adam keeps exponential moving averages of the gradient $g_t$ and of its elementwise square:

$$m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t, \qquad v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2$$

Both start at zero, so early estimates are biased towards zero; dividing by $1 - \beta^t$ corrects this:

$$\hat m_t = \frac{m_t}{1 - \beta_1^t}, \qquad \hat v_t = \frac{v_t}{1 - \beta_2^t}, \qquad \theta_t = \theta_{t-1} - \alpha \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}$$

# What to remember
1. The effective step is roughly bounded by $\alpha$ whatever the gradient scale, which makes the learning rate easy to pick.
2. Defaults $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\epsilon = 10^{-8}$ work surprisingly often.
3. The convergence proof in the paper was later shown to be flawed (see AMSGrad); in practice the method is still the default for many models.

| symbol | role | default |
|---|---|---|
| $\alpha$ | step size | $10^{-3}$ |
| $\beta_1$ | first-moment decay | $0.9$ |
| $\beta_2$ | second-moment decay | $0.999$ |
"#,
    },
    DemoSummary {
        paper: 2,
        author: 1,
        anonymous: false,
        days_ago: 9,
        tags: &["computer-vision", "architectures"],
        votes: &[(0, 1), (2, 1)],
        body: r#"Deeper plain networks get *worse training error*, not just worse test error, so the problem is optimisation rather than overfitting.

The fix: let a block learn a residual $\mathcal{F}(x) = \mathcal{H}(x) - x$ and output

$$y = \mathcal{F}(x, \{W_i\}) + x.$$

If the identity is close to optimal, pushing $\mathcal{F}$ towards zero is easier than fitting an identity with a stack of non-linear layers. When shapes differ, the shortcut is a projection $W_s x$.

**Results.** A 152-layer network trains fine and wins ImageNet 2015 classification with 3.57% top-5 error; the same backbone improves detection on COCO.

**Takeaway.** Shortcut connections are now everywhere: transformers, diffusion U-Nets, and most detection backbones.
"#,
    },
    DemoSummary {
        paper: 3,
        author: 1,
        anonymous: false,
        days_ago: 1,
        tags: &["computer-vision", "instance-segmentation"],
        votes: &[(0, 1), (2, -1)],
        body: r#"Mask R-CNN adds a third head to Faster R-CNN: besides class and box, each region of interest gets a small fully convolutional network predicting an $m \times m$ binary mask per class.

## Two details that make it work
- **RoIAlign** replaces RoIPool. RoIPool rounds region coordinates to the feature grid twice, which misaligns masks by several pixels. RoIAlign keeps real-valued coordinates and samples the feature map with bilinear interpolation.
- **Decoupled masks.** The mask branch uses a per-pixel sigmoid and a binary loss for the ground-truth class only, so classes do not compete; the box head decides the class.

The loss per RoI is simply $L = L_{cls} + L_{box} + L_{mask}$.

Runs at about 5 fps and the same framework does human keypoint detection by predicting one-hot masks for keypoints.
"#,
    },
    DemoSummary {
        paper: 4,
        author: 0,
        anonymous: false,
        days_ago: 14,
        tags: &["meta-learning", "few-shot"],
        votes: &[(2, 1)],
        body: r#"**Goal:** find parameters $\theta$ from which one or a few gradient steps on a new task $\mathcal{T}_i$ already give good performance.

Inner loop (per task, on its support set):

$$\theta_i' = \theta - \alpha \nabla_\theta \mathcal{L}_{\mathcal{T}_i}(f_\theta)$$

Outer loop (across tasks, on their query sets):

$$\theta \leftarrow \theta - \beta \nabla_\theta \sum_{\mathcal{T}_i \sim p(\mathcal{T})} \mathcal{L}_{\mathcal{T}_i}\left(f_{\theta_i'}\right)$$

The outer gradient goes *through* the inner update, so it involves second derivatives; the first-order approximation that drops them works nearly as well and is much cheaper.

Nothing in the method depends on the architecture, hence "model-agnostic": the paper applies it to regression, few-shot image classification and policy-gradient reinforcement learning.
"#,
    },
    DemoSummary {
        paper: 5,
        author: 2,
        anonymous: false,
        days_ago: 3,
        tags: &["nlp", "architectures", "attention"],
        votes: &[(0, 1), (1, 1)],
        body: r#"The Transformer drops recurrence entirely. Every layer mixes positions with scaled dot-product attention:

$$\operatorname{Attention}(Q, K, V) = \operatorname{softmax}\left(\frac{QK^\top}{\sqrt{d_k}}\right) V$$

The $\sqrt{d_k}$ keeps dot products from growing with dimension and saturating the softmax. Multi-head attention runs $h$ such maps on learned projections and concatenates them.

Because attention is permutation-invariant, positions are added as sinusoids: $PE_{(pos, 2i)} = \sin\left(pos / 10000^{2i/d}\right)$.

Why it won:
- path length between any two tokens is $O(1)$ instead of $O(n)$;
- all positions are computed in parallel during training;
- cost per layer is $O(n^2 d)$, which is the price paid for long sequences.
"#,
    },
    DemoSummary {
        paper: 6,
        author: 0,
        anonymous: true,
        days_ago: 6,
        tags: &["generative-models", "diffusion"],
        votes: &[(1, 1)],
        body: r#"Fix a forward process that slowly adds Gaussian noise, $q(x_t \mid x_{t-1}) = \mathcal{N}\left(\sqrt{1-\beta_t}\, x_{t-1}, \beta_t I\right)$, and learn to reverse it.

With $\bar\alpha_t = \prod_{s \le t} (1 - \beta_s)$ any step can be sampled directly: $x_t = \sqrt{\bar\alpha_t}\, x_0 + \sqrt{1 - \bar\alpha_t}\, \epsilon$.

The key simplification is to predict the noise instead of the mean, which turns the variational bound into

$$L_{\text{simple}} = \mathbb{E}_{t, x_0, \epsilon}\left[\left\| \epsilon - \epsilon_\theta\left(\sqrt{\bar\alpha_t}\, x_0 + \sqrt{1-\bar\alpha_t}\,\epsilon,\ t\right) \right\|^2\right]$$

This is denoising score matching over many noise levels. Sampling takes $T = 1000$ network evaluations, which later work cut drastically.
"#,
    },
    DemoSummary {
        paper: 5,
        author: 1,
        anonymous: false,
        days_ago: 0,
        tags: &["nlp", "attention"],
        votes: &[(2, 1)],
        body: r#"A practical reading: what to take from the paper if you implement it.

1. Pre-compute the attention mask once per batch; padding positions get $-\infty$ before the softmax.
2. Label smoothing with $\epsilon_{ls} = 0.1$ hurts perplexity but improves BLEU.
3. The learning-rate schedule matters: linear warm-up for 4000 steps, then decay proportional to $\text{step}^{-1/2}$.

> The model is simple enough that most bugs are shape bugs: print $Q$, $K$, $V$ shapes once.
"#,
    },
];

//! Synthetic volume: N summaries over N/5 papers by N/20 users, with tags, revisions and votes,
//! written in batched transactions with explicit ids so that each batch is a handful of
//! multi-row INSERTs.

use chrono::Duration;
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{DatabaseConnection, Set};
use shared::accounts::Role;
use shared::api::{Category, Visibility};
use shared::markdown::render_markdown;

use crate::db::entity::{paper_keys, papers, summaries, summary_revisions, summary_tags, users, votes};
use crate::db::{self, bulk, papers::to_json_list};

/// Summaries written per transaction.
const BATCH: usize = 2000;

const TOPICS: &[&str] = &[
    "contrastive learning",
    "graph neural networks",
    "protein folding",
    "dark matter halos",
    "causal inference",
    "sparse attention",
    "Bayesian optimisation",
    "reinforcement learning",
    "single-cell sequencing",
    "quantum error correction",
    "neural radiance fields",
    "topological data analysis",
];
const TAGS: &[&str] = &[
    "deep-learning",
    "theory",
    "biology",
    "physics",
    "statistics",
    "optimization",
    "vision",
    "nlp",
    "robotics",
];
const FORMULAS: &[&str] = &[
    r"$$\mathcal{L}(\theta) = -\sum_{i=1}^{n} \log p_\theta(y_i \mid x_i)$$",
    r"$$\hat\theta = \arg\min_\theta \frac{1}{n}\sum_{i} \ell(f_\theta(x_i), y_i) + \lambda \|\theta\|_2^2$$",
    r"$$p(z \mid x) = \frac{p(x \mid z)\,p(z)}{\int p(x \mid z')\,p(z')\,dz'}$$",
    r"$$\nabla_\theta J = \mathbb{E}_{\tau \sim \pi_\theta}\left[\sum_t \nabla_\theta \log \pi_\theta(a_t \mid s_t)\, R(\tau)\right]$$",
];

/// A summary body in the shape authors write: headings, a list, inline and display math.
fn body(rng: &mut StdRng, n: usize) -> String {
    let topic = TOPICS[rng.random_range(0..TOPICS.len())];
    let other = TOPICS[rng.random_range(0..TOPICS.len())];
    let formula = FORMULAS[rng.random_range(0..FORMULAS.len())];
    let k = rng.random_range(2..64);
    format!(
        "# Idea\nThis paper (synthetic #{n}) revisits {topic} through the lens of {other}. \
         The central quantity is $\\alpha_{k} = \\frac{{1}}{{\\sqrt{{{k}}}}}$, which controls the trade-off.\n\n\
         {formula}\n\n# Findings\n- Scales as $O(n \\log n)$ in the number of samples.\n\
         - Beats the baseline by {k}% on the benchmark.\n- Code is **available**.\n"
    )
}

/// Generates `count` synthetic summaries, reporting progress on stderr.
pub async fn generate(db: &DatabaseConnection, count: usize, seed: u64) -> anyhow::Result<()> {
    let paper_count = count.div_ceil(5).max(1);
    let user_count = (count / 20).max(5);
    let run = format!("{:x}", seed & 0xffff_ffff);
    let mut rng = StdRng::seed_from_u64(seed);
    let now = db::now();

    let first_user = bulk::next_id(db, "users").await?;
    let first_paper = bulk::next_id(db, "papers").await?;
    let first_summary = bulk::next_id(db, "summaries").await?;
    let first_revision = bulk::next_id(db, "summary_revisions").await?;

    let progress = ProgressBar::new((user_count + paper_count + count) as u64);
    progress.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} rows ({per_sec}, {eta} left)")?
            .progress_chars("=> "),
    );

    progress.set_message("users");
    for chunk in (0..user_count).collect::<Vec<_>>().chunks(BATCH) {
        let txn = db::begin_write(db).await?;
        let rows = chunk.iter().map(|&i| users::ActiveModel {
            id: Set(first_user + i as i64),
            username: Set(format!("synth_{run}_{i}")),
            email: Set(format!("synth_{run}_{i}@demo.invalid")),
            password_hash: Set(None),
            display_name: Set(format!("Synthetic Reader {i}")),
            role: Set(Role::User),
            notify_on_comment: Set(false),
            created_at: Set(now - Duration::days(800)),
            updated_at: Set(now - Duration::days(800)),
            ..Default::default()
        });
        bulk::insert_all(&txn, rows.collect()).await?;
        txn.commit().await?;
        progress.inc(chunk.len() as u64);
    }

    progress.set_message("papers");
    for chunk in (0..paper_count).collect::<Vec<_>>().chunks(BATCH) {
        let txn = db::begin_write(db).await?;
        let rows: Vec<papers::ActiveModel> = chunk
            .iter()
            .map(|&i| {
                let topic = TOPICS[i % TOPICS.len()];
                let summaries_here = (0..5).filter(|r| r * paper_count + i < count).count();
                papers::ActiveModel {
                    id: Set(first_paper + i as i64),
                    key: Set(format!("synthetic/{run}/{i}")),
                    title: Set(format!("On {topic}: synthetic study {i}")),
                    authors: Set(to_json_list(&[format!("A. Author{i}"), "B. Coauthor".to_owned()])),
                    year: Set(Some(2000 + (i % 26) as i32)),
                    category: Set(Category::ALL[i % Category::ALL.len()]),
                    summary_count: Set(summaries_here as i32),
                    created_at: Set(now - Duration::minutes(rng.random_range(0..1_000_000))),
                    updated_at: Set(now),
                    ..Default::default()
                }
            })
            .collect();
        // Each synthetic paper resolves by its key, like any other.
        let keys: Vec<paper_keys::ActiveModel> = rows
            .iter()
            .map(|p| paper_keys::ActiveModel {
                key: p.key.clone(),
                paper_id: p.id.clone(),
            })
            .collect();
        bulk::insert_all(&txn, rows).await?;
        bulk::insert_all(&txn, keys).await?;
        txn.commit().await?;
        progress.inc(chunk.len() as u64);
    }

    progress.set_message("summaries");
    for chunk in (0..count).collect::<Vec<_>>().chunks(BATCH) {
        let mut summary_rows = Vec::with_capacity(chunk.len());
        let mut revision_rows = Vec::with_capacity(chunk.len());
        let mut tag_rows = Vec::new();
        let mut vote_rows = Vec::new();
        for &i in chunk {
            let id = first_summary + i as i64;
            let paper = i % paper_count;
            let round = i / paper_count;
            // Five rounds over the papers with distinct authors: one summary per user per paper.
            let author = (paper * 31 + round) % user_count;
            let markdown = body(&mut rng, i);
            let at = now - Duration::minutes(rng.random_range(0..1_000_000));
            let mut upvotes = 0;
            let mut downvotes = 0;
            for k in 0..rng.random_range(0..4usize) {
                let value: i16 = if rng.random_bool(0.8) { 1 } else { -1 };
                if value > 0 {
                    upvotes += 1
                } else {
                    downvotes += 1
                }
                vote_rows.push(votes::ActiveModel {
                    summary_id: Set(id),
                    user_id: Set(first_user + ((author + 1 + k) % user_count) as i64),
                    value: Set(value),
                    created_at: Set(at),
                    updated_at: Set(at),
                });
            }
            let tag = TAGS[i % TAGS.len()];
            tag_rows.push(summary_tags::ActiveModel {
                summary_id: Set(id),
                tag: Set(tag.to_owned()),
            });
            revision_rows.push(summary_revisions::ActiveModel {
                id: Set(first_revision + i as i64),
                summary_id: Set(id),
                revision: Set(1),
                body_markdown: Set(markdown.clone()),
                editor_id: Set(first_user + author as i64),
                created_at: Set(at),
            });
            summary_rows.push(summaries::ActiveModel {
                id: Set(id),
                paper_id: Set(first_paper + paper as i64),
                author_id: Set(first_user + author as i64),
                anonymous: Set(i % 17 == 0),
                visibility: Set(Visibility::Public),
                body_html: Set(render_markdown(&markdown)),
                body_markdown: Set(markdown),
                score: Set(upvotes - downvotes),
                upvotes: Set(upvotes),
                downvotes: Set(downvotes),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            });
        }
        let txn = db::begin_write(db).await?;
        bulk::insert_all(&txn, summary_rows).await?;
        bulk::insert_all(&txn, revision_rows).await?;
        bulk::insert_all(&txn, tag_rows).await?;
        bulk::insert_all(&txn, vote_rows).await?;
        txn.commit().await?;
        progress.inc(chunk.len() as u64);
    }
    for table in ["users", "papers", "summaries", "summary_revisions"] {
        db::backend::sync_id_sequence(db, table).await?;
    }
    // Statistics first: the recount below reads summaries by author, and PostgreSQL planned it
    // on a table it had never analysed with the (paper_id, author_id) index, read whole for each
    // of the 50,000 users at a million summaries (stopped after 8 min; with statistics, seconds).
    bulk::analyze(db).await?;
    // Written in bulk, past the writes that keep them: the directory's counters, once.
    db::accounts::recount_profiles(db).await?;
    bulk::analyze(db).await?;
    progress.finish_with_message("done");
    Ok(())
}

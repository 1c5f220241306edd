//! One summary on its own page (the permalink), under a header naming its paper.

use std::collections::HashMap;

use shared::api::{PaperRef, Summary};
use yew::prelude::*;
use yew_router::prelude::use_location;

use crate::api;
use crate::app::Route;
use crate::components::discussion::{ReportButton, Thread, Votes};
use crate::components::history::History;
use crate::components::nav_link::{NavLink, PathLink};
use crate::components::paper_meta::{short_authors, venue_year};
use crate::components::status::{ErrorBox, Loading};
use crate::components::summary_card::SummaryCard;
use crate::hooks::{Fetch, use_document_title, use_fetch};
use crate::pages::not_found::NotFound;
use crate::state::{SessionHandle, SessionState, use_session};

#[derive(Properties, PartialEq)]
pub struct SummaryPageProps {
    pub id: String,
}

#[function_component(SummaryPage)]
pub fn summary_page(props: &SummaryPageProps) -> Html {
    let session = use_session();
    let session_for_edit = session.clone();
    // Unlisted summaries open with the `?share=` token of their share link.
    let share = use_location()
        .and_then(|location| location.query::<HashMap<String, String>>().ok())
        .and_then(|mut query| query.remove("share"));
    // Wait for a session being restored: a private summary would 404 for the anonymous reader.
    let restoring = matches!(session.state(), SessionState::Restoring);
    let signed_in = session.session().is_some();
    let key = (props.id.clone(), share.clone(), signed_in, restoring);
    let (summary, retry) = use_fetch(key, move |(id, share, _, restoring)| async move {
        if restoring {
            std::future::pending::<()>().await;
        }
        api::get_summary(&session, &id, share.as_deref()).await
    });
    {
        // One view per page shown, once it is known to be readable.
        let (id, share) = (props.id.clone(), share.clone());
        let ready = matches!(summary, Fetch::Ready(_));
        use_effect_with((id, ready), move |(id, ready)| {
            if *ready {
                api::count_view("summaries", id, share.as_deref());
            }
        });
    }
    use_document_title(match &summary {
        Fetch::Ready(summary) => Some(format!("Summary of {}", summary.paper.title)),
        Fetch::Failed(error) if error.is_not_found() => Some("Not found".to_owned()),
        Fetch::Failed(_) | Fetch::Loading => None,
    });
    match summary {
        Fetch::Loading => html! { <Loading label="Loading summary…" /> },
        Fetch::Failed(error) if error.is_not_found() => html! { <NotFound what="summary" /> },
        Fetch::Failed(error) => html! { <ErrorBox {error} on_retry={retry} /> },
        Fetch::Ready(summary) => html! {
            <article class="summary-page">
                { paper_ref_header(&summary.paper) }
                if summary.hidden {
                    <p class="notice" role="status">{ "A moderator has hidden this summary: only you and the moderators can see it." }</p>
                }
                <Votes summary={summary.clone()} share={share.clone()} />
                <SummaryCard summary={summary.clone()} show_paper=false />
                <History summary_id={summary.id.clone()} revision={summary.revision} share={share.clone()} />
                <p class="share-links">
                    <a href={format!("/api/v1/summaries/{}/bibtex", api::encode_segment(&summary.id))} id="summary-bibtex">
                        { "Cite this summary (BibTeX)" }
                    </a>
                </p>
                if mine(&session_for_edit, &summary) {
                    <p class="more-link">
                        <PathLink to={format!("/write?summary={}", api::encode_segment(&summary.id))} id="edit-summary">
                            { "Edit this summary" }
                        </PathLink>
                    </p>
                }
                if !mine(&session_for_edit, &summary) {
                    <p class="summary-report">
                        <ReportButton target={api::Reported::Summary(summary.id.clone())} share={share.clone()} />
                    </p>
                }
                <Thread summary_id={summary.id.clone()} share={share.clone()} />
                <p class="more-link">
                    <NavLink to={Route::Paper { id: summary.paper.id.clone() }}>
                        { "The paper and all its summaries" }
                    </NavLink>
                </p>
            </article>
        },
    }
}

/// Whether the signed-in reader wrote it (the server shows the author of an anonymous summary to
/// that author only).
fn mine(session: &SessionHandle, summary: &Summary) -> bool {
    session
        .me()
        .zip(summary.author.as_ref())
        .is_some_and(|(me, author)| me.username == author.username)
}

fn paper_ref_header(paper: &PaperRef) -> Html {
    html! {
        <header class="paper-header">
            <p class="eyebrow">
                { "Summary of" }
                if let Some(venue) = venue_year(paper.venue.as_deref(), paper.year) {
                    { format!(" · {venue}") }
                }
            </p>
            <h1><NavLink to={Route::Paper { id: paper.id.clone() }}>{ &paper.title }</NavLink></h1>
            if !paper.authors.is_empty() {
                <p class="paper-authors">{ short_authors(&paper.authors) }</p>
            }
        </header>
    }
}

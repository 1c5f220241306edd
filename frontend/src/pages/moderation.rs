//! `/moderation`: the moderators' queue of open reports, oldest first, each with the content as
//! written and the four actions. The log is `GET /api/v1/moderation/log` (every byte of this
//! page is in every reader's download).

use shared::moderation::{Report, ReportAction};
use yew::prelude::*;
use yew_router::Routable;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::components::nav_link::PathLink;
use crate::components::status::{ErrorBox, Loading};
use crate::hooks::{Fetch, use_document_title, use_fetch, use_sign_in_required};
use crate::state::use_session;

#[function_component(ModerationPage)]
pub fn moderation_page() -> Html {
    use_document_title(Some("Moderation".to_owned()));
    use_sign_in_required(Route::Moderation.to_path());
    let session = use_session();
    let moderator = session.me().is_some_and(|me| me.role.moderates());
    let queue_session = session.clone();
    let (reports, reload_reports) = use_fetch(moderator, move |moderator| async move {
        if !moderator {
            std::future::pending::<()>().await;
        }
        api::list_reports(&queue_session).await
    });
    if session.session().is_some() && !moderator {
        return html! {
            <div class="page-intro">
                <h1>{ "Moderation" }</h1>
                <p class="lede">{ "This page is for moderators." }</p>
            </div>
        };
    }
    let on_resolved = reload_reports.clone();
    html! {
        <div class="moderation">
            <div class="page-intro">
                <h1>{ "Moderation" }</h1>
                <p class="lede">{ "Open reports, oldest first. Resolving one resolves every open report of the same content." }</p>
            </div>
            <section aria-labelledby="queue-heading">
                <h2 id="queue-heading">{ "Queue" }</h2>
                { match &reports {
                    Fetch::Loading => html! { <Loading label="Loading reports…" /> },
                    Fetch::Failed(error) => html! { <ErrorBox error={error.clone()} on_retry={reload_reports.clone()} /> },
                    Fetch::Ready(page) if page.items.is_empty() => html! { <p class="empty">{ "No open reports." }</p> },
                    Fetch::Ready(page) => html! {
                        <ol class="report-queue">
                            { for page.items.iter().map(|report| html! {
                                <ReportItem key={report.id.clone()} report={report.clone()} on_resolved={on_resolved.clone()} />
                            }) }
                        </ol>
                    },
                } }
            </section>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ReportItemProps {
    report: Report,
    on_resolved: Callback<()>,
}

#[function_component(ReportItem)]
fn report_item(props: &ReportItemProps) -> Html {
    let session = use_session();
    let note = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let report = &props.report;
    let content = &report.content;
    let act = |action: ReportAction| {
        let (session, note, error, on_resolved, id) = (
            session.clone(),
            note.clone(),
            error.clone(),
            props.on_resolved.clone(),
            report.id.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (session, error, on_resolved, id) =
                (session.clone(), error.clone(), on_resolved.clone(), id.clone());
            let note = Some(note.trim().to_owned()).filter(|n| !n.is_empty());
            wasm_bindgen_futures::spawn_local(async move {
                match api::resolve_report(&session, &id, action, note).await {
                    Ok(_) => on_resolved.emit(()),
                    Err(failure) => error.set(Some(failure)),
                }
            });
        })
    };
    let oninput = {
        let note = note.clone();
        Callback::from(move |e: InputEvent| {
            note.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value());
        })
    };
    let what = if content.comment_id.is_some() {
        "A comment"
    } else {
        "A summary"
    };
    let by = content.author.as_ref().map_or_else(String::new, |a| {
        format!(" by {} ({})", a.display_name, a.username)
    });
    let reporter = report
        .reporter
        .as_ref()
        .map_or("someone", |r| r.username.as_str());
    let note_id = format!("note-{}", report.id);
    html! {
        <li class="report-item">
            <p class="report-meta">
                <PathLink to={content.link.clone()}>{ format!("{what}{by}") }</PathLink>
                { format!(" on {} · reported by {reporter}: ", content.paper_title) }
                <q>{ &report.reason }</q>
                if content.hidden { { " · hidden" } }
                if content.deleted { { " · deleted" } }
            </p>
            <div class="reported-body">
                // Rendered and sanitised by the server.
                { Html::from_html_unchecked(AttrValue::from(content.body_html.clone())) }
            </div>
            <p class="report-actions">
                <label for={note_id.clone()}>{ "Note for the log " }</label>
                <input id={note_id} type="text" maxlength="1000" {oninput} value={(*note).clone()} />
                <button type="button" class="dismiss" onclick={act(ReportAction::Dismiss)}>{ "Dismiss" }</button>
                <button type="button" class="hide" onclick={act(ReportAction::Hide)}>{ "Hide" }</button>
                <button type="button" class="delete" onclick={act(ReportAction::Delete)}>{ "Delete" }</button>
                <button type="button" class="ban" onclick={act(ReportAction::BanAuthor)}>{ "Ban author" }</button>
            </p>
            if let Some(error) = &*error {
                <p class="form-error" role="alert">{ error.detail.clone().unwrap_or_else(|| error.title.clone()) }</p>
            }
        </li>
    }
}

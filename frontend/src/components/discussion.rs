//! Around a summary on its page: the vote buttons, and the comment thread with replies.

use std::rc::Rc;

use shared::api::{Comment, NewCommentRequest, Summary};
use yew::prelude::*;
use yew_router::Routable;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::components::nav_link::{PathLink, with_next};
use crate::state::use_session;

#[derive(Properties, PartialEq)]
pub struct VotesProps {
    pub summary: Rc<Summary>,
    /// The share token an unlisted summary was opened with.
    pub share: Option<String>,
}

/// Up and down, with the score between; pressing the pressed one takes the vote back. Signed-out
/// readers see the score only; authors cannot vote on their own.
#[function_component(Votes)]
pub fn votes(props: &VotesProps) -> Html {
    let session = use_session();
    let summary = &props.summary;
    let tally = use_state(|| (summary.score, summary.my_vote.unwrap_or(0)));
    let error = use_state(|| None::<ApiError>);
    let own = session
        .me()
        .zip(summary.author.as_ref())
        .is_some_and(|(me, author)| me.username == author.username);
    let (score, mine) = *tally;
    let button = |value: i8, label: &'static str, symbol: &'static str| {
        let next = if mine == value { 0 } else { value };
        let (session, id, tally, error) = (session.clone(), summary.id.clone(), tally.clone(), error.clone());
        let share = props.share.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            let (session, id, tally, error) = (session.clone(), id.clone(), tally.clone(), error.clone());
            let share = share.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::vote(&session, &id, share.as_deref(), next).await {
                    Ok(result) => {
                        tally.set((result.score, result.my_vote));
                        error.set(None);
                    }
                    Err(failure) => error.set(Some(failure)),
                }
            });
        });
        html! {
            <button
                type="button"
                class={classes!("button", "vote", (mine == value).then_some("active"))}
                id={if value > 0 { "vote-up" } else { "vote-down" }}
                aria-label={label}
                aria-pressed={if mine == value { "true" } else { "false" }}
                {onclick}
            >
                { symbol }
            </button>
        }
    };
    let can_vote = session.session().is_some() && !own;
    html! {
        <div class="votes" aria-label="Votes">
            if can_vote { { button(1, "Vote up", "▲") } }
            <span class="score" id="summary-score">{ score }</span>
            if can_vote { { button(-1, "Vote down", "▼") } }
            if let Some(failure) = &*error {
                <span class="field-error" role="alert">{ &failure.title }</span>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ThreadProps {
    pub summary_id: String,
    pub share: Option<String>,
}

/// The comments under a summary, oldest first, replies under what they answer.
#[function_component(Thread)]
pub fn thread(props: &ThreadProps) -> Html {
    let session = use_session();
    let comments = use_state(|| None::<Result<Vec<Comment>, ApiError>>);
    let reload = use_state(|| 0_u32);
    {
        let (session, comments) = (session.clone(), comments.clone());
        let (id, share) = (props.summary_id.clone(), props.share.clone());
        use_effect_with(
            (id, share, *reload, session.session().is_some()),
            move |(id, share, _, _)| {
                let (id, share) = (id.clone(), share.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let page = api::list_comments(&session, &id, share.as_deref(), None).await;
                    comments.set(Some(page.map(|p| p.items)));
                });
            },
        );
    }
    let refresh = {
        let reload = reload.clone();
        Callback::from(move |()| reload.set(*reload + 1))
    };
    let list = match &*comments {
        None => html! { <p class="loading">{ "Loading comments…" }</p> },
        Some(Err(error)) => html! { <p class="field-error">{ &error.title }</p> },
        Some(Ok(all)) if all.is_empty() => html! { <p class="empty">{ "No comments yet." }</p> },
        Some(Ok(all)) => replies(all, None, props, &refresh),
    };
    html! {
        <section class="comments" aria-labelledby="comments-heading">
            <h2 id="comments-heading">{ "Discussion" }</h2>
            { list }
            <CommentForm summary_id={props.summary_id.clone()} share={props.share.clone()} parent_id={None::<String>} on_posted={refresh.clone()} />
        </section>
    }
}

/// The comments answering `parent` (top-level ones for `None`), each with its own replies.
fn replies(all: &[Comment], parent: Option<&str>, props: &ThreadProps, refresh: &Callback<()>) -> Html {
    let children: Vec<&Comment> = all.iter().filter(|c| c.parent_id.as_deref() == parent).collect();
    if children.is_empty() {
        return Html::default();
    }
    html! {
        <ol class="comment-list">
            { for children.into_iter().map(|comment| html! {
                <li class="comment" key={comment.id.clone()} id={format!("comment-{}", comment.id)}>
                    <CommentView
                        comment={comment.clone()}
                        summary_id={props.summary_id.clone()}
                        share={props.share.clone()}
                        on_change={refresh.clone()}
                    />
                    { replies(all, Some(&comment.id), props, refresh) }
                </li>
            }) }
        </ol>
    }
}

#[derive(Properties, PartialEq)]
struct CommentViewProps {
    comment: Comment,
    summary_id: String,
    share: Option<String>,
    on_change: Callback<()>,
}

#[function_component(CommentView)]
fn comment_view(props: &CommentViewProps) -> Html {
    let session = use_session();
    let replying = use_state(|| false);
    let editing = use_state(|| false);
    let comment = &props.comment;
    let who = match (&comment.author, comment.by_summary_author, comment.deleted) {
        (_, _, true) => "[deleted]".to_owned(),
        (Some(author), true, _) => format!("{} (summary author)", author.display_name),
        (Some(author), false, _) => author.display_name.clone(),
        (None, _, _) => "The summary's author".to_owned(),
    };
    let mine = session
        .me()
        .zip(comment.author.as_ref())
        .is_some_and(|(me, author)| me.username == author.username);
    let on_delete = {
        let (session, id, on_change) = (session.clone(), comment.id.clone(), props.on_change.clone());
        Callback::from(move |_: MouseEvent| {
            let (session, id, on_change) = (session.clone(), id.clone(), on_change.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if api::delete_comment(&session, &id).await.is_ok() {
                    on_change.emit(());
                }
            });
        })
    };
    let toggle_reply = {
        let replying = replying.clone();
        Callback::from(move |_: MouseEvent| replying.set(!*replying))
    };
    let toggle_edit = {
        let editing = editing.clone();
        Callback::from(move |_: MouseEvent| editing.set(!*editing))
    };
    let on_posted = {
        let (replying, editing, on_change) = (replying.clone(), editing.clone(), props.on_change.clone());
        Callback::from(move |()| {
            replying.set(false);
            editing.set(false);
            on_change.emit(());
        })
    };
    html! {
        <>
            <p class="comment-meta">
                <strong>{ who }</strong>
                { " · " }
                <time datetime={comment.created_at.to_rfc3339()}>{ crate::dates::day(&comment.created_at) }</time>
                if comment.edited && !comment.deleted { { " · edited" } }
            </p>
            <div class="comment-body">
                // Rendered and sanitised by the server.
                { Html::from_html_unchecked(AttrValue::from(comment.body_html.clone())) }
            </div>
            if session.session().is_some() && !comment.deleted {
                <p class="comment-actions">
                    <button type="button" class="link-button reply" onclick={toggle_reply}>{ "Reply" }</button>
                    if mine {
                        { " · " }
                        <button type="button" class="link-button edit-comment" onclick={toggle_edit}>{ "Edit" }</button>
                        { " · " }
                        <button type="button" class="link-button delete-comment" onclick={on_delete}>{ "Delete" }</button>
                    } else {
                        { " · " }
                        <ReportButton target={api::Reported::Comment(comment.id.clone())} share={props.share.clone()} />
                    }
                </p>
            }
            if *editing {
                <CommentForm
                    summary_id={props.summary_id.clone()}
                    share={props.share.clone()}
                    parent_id={None::<String>}
                    editing={Some((comment.id.clone(), comment.body_markdown.clone()))}
                    on_posted={on_posted.clone()}
                />
            }
            if *replying {
                <CommentForm
                    summary_id={props.summary_id.clone()}
                    share={props.share.clone()}
                    parent_id={Some(comment.id.clone())}
                    {on_posted}
                />
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct CommentFormProps {
    summary_id: String,
    share: Option<String>,
    parent_id: Option<String>,
    /// The comment being edited (id, current Markdown), instead of a new one.
    #[prop_or_default]
    editing: Option<(String, String)>,
    on_posted: Callback<()>,
}

#[function_component(CommentForm)]
fn comment_form(props: &CommentFormProps) -> Html {
    let session = use_session();
    let text = use_state(|| {
        props
            .editing
            .as_ref()
            .map(|(_, body)| body.clone())
            .unwrap_or_default()
    });
    let error = use_state(|| None::<ApiError>);
    let sending = use_state(|| false);
    if session.session().is_none() {
        if props.parent_id.is_some() {
            return Html::default();
        }
        let here = format!("/summary/{}", api::encode_segment(&props.summary_id));
        return html! {
            <p class="form-aside">
                <PathLink to={with_next(&Route::Login.to_path(), &here)}>{ "Sign in to comment." }</PathLink>
            </p>
        };
    }
    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            text.set(e.target_unchecked_into::<web_sys::HtmlTextAreaElement>().value());
        })
    };
    let onsubmit = {
        let (text, error, sending) = (text.clone(), error.clone(), sending.clone());
        let (id, share, parent_id, on_posted) = (
            props.summary_id.clone(),
            props.share.clone(),
            props.parent_id.clone(),
            props.on_posted.clone(),
        );
        let editing = props.editing.as_ref().map(|(id, _)| id.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *sending || text.trim().is_empty() {
                return;
            }
            sending.set(true);
            let request = NewCommentRequest {
                body_markdown: (*text).clone(),
                parent_id: parent_id.clone(),
            };
            let (text, error, sending, session, id, share, on_posted, editing) = (
                text.clone(),
                error.clone(),
                sending.clone(),
                session.clone(),
                id.clone(),
                share.clone(),
                on_posted.clone(),
                editing.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let sent = match &editing {
                    Some(comment_id) => {
                        api::update_comment(&session, comment_id, &request.body_markdown).await
                    }
                    None => api::create_comment(&session, &id, share.as_deref(), &request).await,
                };
                match sent {
                    Ok(_) => {
                        text.set(String::new());
                        error.set(None);
                        on_posted.emit(());
                    }
                    Err(failure) => error.set(Some(failure)),
                }
                sending.set(false);
            });
        })
    };
    let field_id = match (&props.editing, &props.parent_id) {
        (Some((id, _)), _) => format!("edit-{id}"),
        (None, Some(parent)) => format!("reply-to-{parent}"),
        (None, None) => "new-comment".to_owned(),
    };
    html! {
        <form class="comment-form" {onsubmit}>
            <label for={field_id.clone()} class="visually-hidden">{ if props.parent_id.is_some() { "Your reply" } else { "Your comment" } }</label>
            <textarea id={field_id} value={(*text).clone()} {oninput} placeholder="Markdown and $math$ work." />
            if let Some(failure) = &*error {
                <p class="field-error" role="alert">{ &failure.title }</p>
            }
            <button type="submit" class="button" disabled={*sending}>
                { match (&props.editing, &props.parent_id) {
                    (Some(_), _) => "Save",
                    (None, Some(_)) => "Reply",
                    (None, None) => "Comment",
                } }
            </button>
        </form>
    }
}

#[derive(Properties, PartialEq)]
pub struct ReportButtonProps {
    pub target: api::Reported,
    /// The share token an unlisted summary was opened with.
    pub share: Option<String>,
}

/// "Report": opens a one-line form asking why, and says when the moderators have it. Only for
/// signed-in readers.
#[function_component(ReportButton)]
pub fn report_button(props: &ReportButtonProps) -> Html {
    let session = use_session();
    let open = use_state(|| false);
    let reason = use_state(String::new);
    let outcome = use_state(|| None::<Result<(), ApiError>>);
    if session.session().is_none() {
        return Html::default();
    }
    if let Some(Ok(())) = &*outcome {
        return html! { <span class="reported" role="status">{ "Reported. Thank you: a moderator will look at it." }</span> };
    }
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let oninput = {
        let reason = reason.clone();
        Callback::from(move |e: InputEvent| {
            reason.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value());
        })
    };
    let onsubmit = {
        let (reason, outcome, session) = (reason.clone(), outcome.clone(), session.clone());
        let (target, share) = (props.target.clone(), props.share.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if reason.trim().is_empty() {
                return;
            }
            let (reason, outcome, session, target, share) = (
                (*reason).clone(),
                outcome.clone(),
                session.clone(),
                target.clone(),
                share.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let filed = api::report(&session, &target, share.as_deref(), &reason).await;
                outcome.set(Some(filed));
            });
        })
    };
    let field_id = match &props.target {
        api::Reported::Summary(id) => format!("report-summary-{id}"),
        api::Reported::Comment(id) => format!("report-comment-{id}"),
    };
    html! {
        <span class="report">
            <button type="button" class="link-button report-button" onclick={toggle}>{ "Report" }</button>
            if *open {
                <form class="report-form" {onsubmit}>
                    <label for={field_id.clone()}>{ "What is wrong with it?" }</label>
                    <input id={field_id} type="text" maxlength="1000" required=true {oninput} value={(*reason).clone()} />
                    <button type="submit">{ "Send report" }</button>
                    if let Some(Err(error)) = &*outcome {
                        <span class="form-error" role="alert">
                            { error.detail.clone().unwrap_or_else(|| error.title.clone()) }
                        </span>
                    }
                </form>
            }
        </span>
    }
}

//! `/notifications`: what happened around the reader's work, newest first, and "my summaries"
//! (`/me/summaries`): everything they wrote, private and unlisted included.

use yew::prelude::*;

use crate::api;
use crate::app::Route;
use crate::components::nav_link::PathLink;
use crate::components::status::{ErrorBox, Loading};
use crate::components::summary_feed::{FeedSource, SummaryFeed};
use crate::hooks::{Fetch, use_document_title, use_fetch, use_sign_in_required};
use crate::state::use_session;
use yew_router::Routable;

#[function_component(NotificationsPage)]
pub fn notifications_page() -> Html {
    use_document_title(Some("Notifications".to_owned()));
    use_sign_in_required(Route::Notifications.to_path());
    let session = use_session();
    let signed_in = session.session().is_some();
    let fetch_session = session.clone();
    let (page, reload) = use_fetch(signed_in, move |signed_in| async move {
        if !signed_in {
            std::future::pending::<()>().await;
        }
        api::list_notifications(&fetch_session, 50).await
    });
    let mark_read = {
        let (session, reload) = (session.clone(), reload.clone());
        Callback::from(move |_: MouseEvent| {
            let (session, reload) = (session.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if api::mark_notifications_read(&session).await.is_ok() {
                    reload.emit(());
                }
            });
        })
    };
    html! {
        <>
            <div class="page-intro">
                <h1>{ "Notifications" }</h1>
            </div>
            { match page {
                Fetch::Loading => html! { <Loading label="Loading notifications…" /> },
                Fetch::Failed(error) => html! { <ErrorBox {error} on_retry={reload} /> },
                Fetch::Ready(page) if page.items.is_empty() => html! {
                    <p class="empty">{ "Nothing yet. Comments on your summaries, replies to your comments and new summaries of papers you follow appear here." }</p>
                },
                Fetch::Ready(page) => html! {
                    <>
                        if page.unread > 0 {
                            <p><button type="button" id="mark-read" onclick={mark_read}>{ "Mark all read" }</button></p>
                        }
                        <ul class="notification-list">
                            { for page.items.iter().map(|n| html! {
                                <li class={classes!("notification", (!n.read).then_some("unread"))} key={n.id.clone()}>
                                    <PathLink to={n.link.clone()}>{ &n.text }</PathLink>
                                    { " · " }
                                    <time datetime={n.created_at.to_rfc3339()}>{ crate::dates::day(&n.created_at) }</time>
                                </li>
                            }) }
                        </ul>
                    </>
                },
            } }
        </>
    }
}

#[function_component(MySummariesPage)]
pub fn my_summaries_page() -> Html {
    use_document_title(Some("My summaries".to_owned()));
    use_sign_in_required(Route::MySummaries.to_path());
    let session = use_session();
    html! {
        <>
            <div class="page-intro">
                <h1>{ "My summaries" }</h1>
                <p class="lede">{ "Everything you wrote, private and unlisted summaries included." }</p>
            </div>
            if session.session().is_some() {
                <SummaryFeed source={FeedSource::Mine} empty_text="You have not written a summary yet." />
            } else {
                <Loading />
            }
        </>
    }
}

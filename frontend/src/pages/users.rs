//! The member directory: best-received, most prolific or newest first, a page at a time.

use serde::{Deserialize, Serialize};
use shared::accounts::{UserProfile, UserSort};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, user_sort_name};
use crate::app::Route;
use crate::components::nav_link::{NavLink, PathLink};
use crate::components::summary_feed::FeedFooter;
use crate::hooks::{use_document_title, use_pages};
use crate::pages::user::{format_score, summaries_label};

/// The order lives in the URL (`/users?sort=new`) so it survives reloads and the back button.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
struct UsersQuery {
    #[serde(default)]
    sort: UserSort,
}

const TABS: [(UserSort, &str); 3] = [
    (UserSort::Score, "Top score"),
    (UserSort::Summaries, "Most summaries"),
    (UserSort::New, "New"),
];

#[function_component(UsersPage)]
pub fn users_page() -> Html {
    use_document_title(Some("Users".to_owned()));
    // A missing or unknown `sort` means the default tab rather than an error.
    let sort = use_location()
        .and_then(|location| location.query::<UsersQuery>().ok())
        .unwrap_or_default()
        .sort;
    let (users, load_next) = use_pages(sort, |sort, cursor| async move {
        api::list_users(sort, cursor.as_deref()).await
    });

    let tabs = TABS.iter().map(|&(tab, label)| {
        let href = if tab == UserSort::default() {
            Route::Users.to_path()
        } else {
            format!("{}?sort={}", Route::Users.to_path(), user_sort_name(tab))
        };
        html! {
            <li><PathLink to={href} classes="tab" current={tab == sort}>{ label }</PathLink></li>
        }
    });

    html! {
        <>
            <div class="page-intro">
                <h1>{ "Users" }</h1>
                <p class="lede">{ "The researchers who write and vote on summaries." }</p>
            </div>
            <nav class="tabs" aria-label="Order of users">
                <ul>{ for tabs }</ul>
            </nav>
            <ol class="user-list">
                { for users.items.iter().map(|user| html! { <UserRow key={user.username.clone()} user={user.clone()} /> }) }
            </ol>
            <FeedFooter
                status={users.status.clone()}
                is_empty={users.items.is_empty()}
                has_more={users.next_cursor.is_some()}
                on_more={load_next}
                empty_text="No users yet."
                loading_text="Loading users…"
                loading_more_text="Loading more users…"
            />
        </>
    }
}

#[derive(Properties, PartialEq)]
struct UserRowProps {
    user: std::rc::Rc<UserProfile>,
}

#[function_component(UserRow)]
fn user_row(props: &UserRowProps) -> Html {
    let user = &props.user;
    html! {
        <li class="user-row">
            <p class="user-name">
                <NavLink to={Route::User { username: user.username.clone() }}>{ &user.display_name }</NavLink>
                <span class="username">{ format!(" @{}", user.username) }</span>
            </p>
            <p class="user-facts">
                <span>{ summaries_label(user.summary_count) }</span>
                if let Some(score) = user.score {
                    <span>{ format!("average score {}", format_score(score)) }</span>
                }
                <span>{ format!("joined {}", crate::dates::short_month_year(&user.joined)) }</span>
            </p>
        </li>
    }
}

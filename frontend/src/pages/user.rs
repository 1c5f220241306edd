//! A member's public profile: who they are, how their summaries were received, and the
//! summaries themselves.

use std::rc::Rc;

use shared::accounts::{Orcid, UserProfile, check_homepage};
use shared::ids::Username;
use yew::prelude::*;

use crate::api;
use crate::app::Route;
use crate::components::nav_link::NavLink;
use crate::components::status::{ErrorBox, Loading};
use crate::components::summary_feed::{FeedSource, SummaryFeed};
use crate::hooks::{Fetch, use_document_title, use_fetch};
use crate::pages::not_found::NotFound;
use crate::state::use_session;

#[derive(Properties, PartialEq)]
pub struct UserPageProps {
    pub username: String,
}

#[function_component(UserPage)]
pub fn user_page(props: &UserPageProps) -> Html {
    // Usernames are case-insensitive; a malformed one names no one, so it is not even asked for.
    let username = Username::parse(&props.username)
        .ok()
        .map(|username| username.as_str().to_owned());
    let (profile, retry) = use_fetch(username, |username| async move {
        match username {
            Some(username) => api::get_user(&username).await.map(Some),
            None => Ok(None),
        }
    });
    use_document_title(match &profile {
        Fetch::Ready(profile) => Some(match &**profile {
            Some(profile) => profile.display_name.clone(),
            None => "Not found".to_owned(),
        }),
        Fetch::Failed(error) if error.is_not_found() => Some("Not found".to_owned()),
        Fetch::Failed(_) | Fetch::Loading => None,
    });
    match profile {
        Fetch::Loading => html! { <Loading label="Loading profile…" /> },
        Fetch::Failed(error) if error.is_not_found() => html! { <NotFound what="user" /> },
        Fetch::Failed(error) => html! { <ErrorBox {error} on_retry={retry} /> },
        Fetch::Ready(profile) => match &*profile {
            None => html! { <NotFound what="user" /> },
            Some(profile) => html! {
                <article class="profile">
                    <ProfileHeader profile={Rc::new(profile.clone())} />
                    <section class="paper-summaries" aria-labelledby="summaries-heading">
                        <h2 id="summaries-heading">{ "Summaries" }</h2>
                        <SummaryFeed
                            source={FeedSource::User { username: profile.username.clone() }}
                            clamp=true
                            empty_text="No public summaries yet."
                        />
                    </section>
                </article>
            },
        },
    }
}

#[derive(Properties, PartialEq)]
pub struct ProfileHeaderProps {
    pub profile: Rc<UserProfile>,
}

#[function_component(ProfileHeader)]
pub fn profile_header(props: &ProfileHeaderProps) -> Html {
    let profile = &props.profile;
    let session = use_session();
    let own = session.me().is_some_and(|me| me.username == profile.username);
    // Checked again here: a link on our pages must never carry a script URL, whatever is stored.
    let orcid = profile
        .orcid
        .as_deref()
        .and_then(|orcid| Orcid::parse(orcid).ok());
    let homepage = profile
        .homepage
        .as_deref()
        .and_then(|url| check_homepage(url).ok());
    let bio = profile
        .bio
        .as_deref()
        .map(str::trim)
        .filter(|bio| !bio.is_empty());
    html! {
        <header class="profile-header">
            <h1>{ &profile.display_name }</h1>
            <p class="username">{ format!("@{}", profile.username) }</p>
            if let Some(bio) = bio {
                <p class="bio">{ bio }</p>
            }
            <ul class="profile-facts">
                <li>
                    { "Joined " }
                    <time datetime={profile.joined.to_rfc3339()}>{ crate::dates::month_year(&profile.joined) }</time>
                </li>
                <li>{ summaries_label(profile.summary_count) }</li>
                if let Some(score) = profile.score {
                    <li title="Mean of upvotes minus downvotes per public summary">
                        { format!("Average score {}", format_score(score)) }
                    </li>
                }
            </ul>
            if orcid.is_some() || homepage.is_some() || own {
                <ul class="paper-links" aria-label="Elsewhere">
                    if let Some(orcid) = orcid {
                        <li>
                            <a href={format!("https://orcid.org/{}", orcid.as_str())} rel="noopener me">
                                { format!("ORCID {}", orcid.as_str()) }
                            </a>
                        </li>
                    }
                    if let Some(homepage) = homepage {
                        <li>
                            <a href={homepage.clone()} rel="noopener nofollow ugc me">{ display_url(&homepage) }</a>
                        </li>
                    }
                    if own {
                        <li><NavLink to={Route::Settings}>{ "Edit your profile" }</NavLink></li>
                    }
                </ul>
            }
        </header>
    }
}

pub fn summaries_label(count: i64) -> String {
    if count == 1 {
        "1 summary".to_owned()
    } else {
        format!("{count} summaries")
    }
}

/// One decimal, without a trailing ".0" for whole numbers.
pub fn format_score(score: f64) -> String {
    // `+ 0.0` turns a rounded -0.0 into 0.0, which prints without a sign.
    let rounded = (score * 10.0).round() / 10.0 + 0.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

/// A homepage as people read it: without the scheme or a trailing slash.
fn display_url(url: &str) -> &str {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    rest.strip_suffix('/').unwrap_or(rest)
}

// Native only, like its tokio and ServerRenderer dev-dependencies.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn profile(orcid: &str, homepage: &str) -> serde_json::Result<UserProfile> {
        serde_json::from_value(serde_json::json!({
            "username": "ada",
            "display_name": "Ada Lovelace",
            "bio": "Notes on the analytical engine.",
            "orcid": orcid,
            "homepage": homepage,
            "joined": "2024-03-05T10:00:00Z",
            "summary_count": 12,
            "score": 3.25
        }))
    }

    async fn render(profile: UserProfile) -> String {
        yew::ServerRenderer::<ProfileHeader>::with_props(move || ProfileHeaderProps {
            profile: Rc::new(profile),
        })
        .render()
        .await
    }

    #[tokio::test]
    async fn the_profile_shows_who_and_links_orcid_and_homepage() -> serde_json::Result<()> {
        let html = render(profile("0000-0002-1825-0097", "https://ada.example/")?).await;
        assert!(html.contains("Ada Lovelace"), "{html}");
        assert!(html.contains("Notes on the analytical engine."), "{html}");
        assert!(
            html.contains(r#"href="https://orcid.org/0000-0002-1825-0097""#),
            "{html}"
        );
        assert!(html.contains(r#"href="https://ada.example/""#), "{html}");
        assert!(html.contains("March 2024"), "{html}");
        assert!(html.contains("12 summaries"), "{html}");
        assert!(html.contains("Average score 3.3"), "{html}");
        Ok(())
    }

    #[tokio::test]
    async fn stored_links_that_are_not_web_addresses_are_not_linked() -> serde_json::Result<()> {
        let html = render(profile("not-an-orcid", "javascript:alert(1)")?).await;
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("orcid.org"), "{html}");
        Ok(())
    }

    #[test]
    fn scores_are_rounded_to_one_decimal() {
        assert_eq!(format_score(3.25), "3.3");
        assert_eq!(format_score(2.0), "2");
        assert_eq!(format_score(-0.44), "-0.4");
        assert_eq!(format_score(-1.0), "-1");
        assert_eq!(format_score(-0.04), "0");

        assert_eq!(summaries_label(1), "1 summary");
    }
}

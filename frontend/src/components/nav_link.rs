//! In-app links: real `<a href>` elements (so they can be focused, opened in a new tab and read
//! by screen readers) whose plain clicks switch pages without reloading the app; and the `next`
//! parameter that brings readers back where they were after signing in.

use serde::Deserialize;
use yew::prelude::*;
use yew_router::AnyRoute;
use yew_router::prelude::*;

use crate::app::Route;

/// A click handler that runs `navigate` instead of following the link, unless the reader asked
/// for a new tab or window with a modifier key.
pub fn spa_click(
    navigator: Option<Navigator>,
    navigate: impl Fn(&Navigator) + 'static,
) -> Callback<MouseEvent> {
    Callback::from(move |event: MouseEvent| {
        if event.meta_key() || event.ctrl_key() || event.shift_key() || event.alt_key() {
            return;
        }
        // Without a router (never in the app) the browser simply follows the href.
        if let Some(navigator) = &navigator {
            event.prevent_default();
            navigate(navigator);
        }
    })
}

#[derive(Properties, PartialEq)]
pub struct NavLinkProps {
    pub to: Route,
    /// Marks the link as the current page for assistive technology (and the CSS).
    #[prop_or_default]
    pub current: bool,
    #[prop_or_default]
    pub classes: Classes,
    #[prop_or_default]
    pub id: Option<AttrValue>,
    /// `-1` takes a link out of the tab order (a second way to a place the keyboard reaches).
    #[prop_or_default]
    pub tabindex: Option<AttrValue>,
    #[prop_or_default]
    pub children: Html,
}

/// Like yew-router's `Link`, which cannot carry `aria-current`.
#[function_component(NavLink)]
pub fn nav_link(props: &NavLinkProps) -> Html {
    let navigator = use_navigator();
    let onclick = {
        let to = props.to.clone();
        spa_click(navigator, move |navigator| navigator.push(&to))
    };
    html! {
        <a
            href={props.to.to_path()}
            id={props.id.clone()}
            class={props.classes.clone()}
            tabindex={props.tabindex.clone()}
            aria-current={props.current.then_some("page")}
            {onclick}
        >
            { props.children.clone() }
        </a>
    }
}

#[derive(Properties, PartialEq)]
pub struct PathLinkProps {
    /// An in-app path, possibly with a query (`/login?next=/settings`).
    pub to: AttrValue,
    #[prop_or_default]
    pub id: Option<AttrValue>,
    #[prop_or_default]
    pub current: bool,
    #[prop_or_default]
    pub classes: Classes,
    #[prop_or_default]
    pub children: Html,
}

/// Like [`NavLink`], for destinations that carry a query.
#[function_component(PathLink)]
pub fn path_link(props: &PathLinkProps) -> Html {
    let navigator = use_navigator();
    let onclick = {
        let to = props.to.to_string();
        spa_click(navigator, move |navigator| {
            navigator.push(&AnyRoute::new(to.clone()))
        })
    };
    html! {
        <a
            href={props.to.clone()}
            id={props.id.clone()}
            class={props.classes.clone()}
            aria-current={props.current.then_some("page")}
            {onclick}
        >
            { props.children.clone() }
        </a>
    }
}

/// The `?next=` of the account pages.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

/// Where to go after signing in: `next` when it is a path on this site, else the home page.
/// Only paths starting with a single `/` qualify: browsers read `//host` and `/\host` as other
/// sites, which would make the sign-in page an open redirect.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(next)
            if next.starts_with('/')
                && !next.starts_with("//")
                && !next.contains('\\')
                && !next.chars().any(char::is_control) =>
        {
            next.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// `path` with `?next=…` when there is somewhere other than home to come back to. Slashes stay
/// readable (`/login?next=/settings`); everything else that could end the value is escaped.
pub fn with_next(path: &str, next: &str) -> String {
    if next == "/" {
        return path.to_owned();
    }
    format!("{path}?next={}", crate::api::percent_encode(next, b"/"))
}

/// Goes to any in-app path (with its query), replacing the current history entry: after signing
/// in, Back should not return to the sign-in form.
pub fn replace_with_path(navigator: &Navigator, path: &str) {
    navigator.replace(&AnyRoute::new(path));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_keeps_same_site_paths() {
        assert_eq!(safe_next(Some("/settings")), "/settings");
        assert_eq!(safe_next(Some("/paper/3?x=1#c")), "/paper/3?x=1#c");
    }

    #[test]
    fn next_never_leads_to_another_site() {
        for next in [
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "settings",
            "",
            "/\tpath",
        ] {
            assert_eq!(safe_next(Some(next)), "/", "{next:?}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn next_is_encoded_into_a_query_value() {
        assert_eq!(with_next("/login", "/settings"), "/login?next=/settings");
        assert_eq!(with_next("/login", "/?sort=top"), "/login?next=/%3Fsort%3Dtop");
        assert_eq!(with_next("/register", "/"), "/register");
    }
}

//! In-app links: real `<a href>` elements (so they can be focused, opened in a new tab and read
//! by screen readers) whose plain clicks switch pages without reloading the app.

use yew::prelude::*;
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
            class={props.classes.clone()}
            aria-current={props.current.then_some("page")}
            {onclick}
        >
            { props.children.clone() }
        </a>
    }
}

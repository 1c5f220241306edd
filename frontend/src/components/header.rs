//! The site header: skip link, site name and the main navigation.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::nav_link::NavLink;

#[function_component(SiteHeader)]
pub fn site_header() -> Html {
    let route = use_route::<Route>();
    let at_home = route == Some(Route::Home);
    html! {
        <header class="site-header">
            // First focusable element, so keyboard readers skip the navigation in one step.
            <a class="skip-link" href="#content">{ "Skip to content" }</a>
            <div class="site-header-inner">
                <NavLink to={Route::Home} classes="site-name">{ "ShortScience" }</NavLink>
                <nav class="site-nav" aria-label="Main">
                    <ul>
                        <li><NavLink to={Route::Home} current={at_home}>{ "Home" }</NavLink></li>
                    </ul>
                </nav>
            </div>
        </header>
    }
}

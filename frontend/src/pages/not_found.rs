//! What readers see for an address that leads nowhere: a way back rather than a dead end.

use yew::prelude::*;

use crate::app::Route;
use crate::components::nav_link::NavLink;
use crate::hooks::use_document_title;

#[derive(Properties, PartialEq)]
pub struct NotFoundProps {
    /// What was missing, e.g. "paper"; a page in general when absent.
    #[prop_or_default]
    pub what: Option<AttrValue>,
}

#[function_component(NotFound)]
pub fn not_found(props: &NotFoundProps) -> Html {
    use_document_title(Some("Not found".to_owned()));
    let what = props.what.as_deref().unwrap_or("page");
    html! {
        <div class="not-found">
            <h1>{ format!("We could not find that {what}") }</h1>
            <p>
                { "The link may be mistyped, or what it pointed to may have been removed or made private." }
            </p>
            <p><NavLink to={Route::Home}>{ "Go to the latest summaries" }</NavLink></p>
        </div>
    }
}

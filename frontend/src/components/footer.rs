//! The site footer: what ShortScience is and where the API is documented.

use yew::prelude::*;

#[function_component(SiteFooter)]
pub fn site_footer() -> Html {
    html! {
        <footer class="site-footer">
            <p>
                { "ShortScience: short summaries of research papers, written and voted on by researchers. " }
                { "Summaries are shared under their stated licence (CC BY 4.0 by default)." }
            </p>
            <nav aria-label="Footer">
                <ul>
                    // The docs page is served by the API server, not the SPA: a plain link.
                    <li><a href="/docs">{ "API documentation" }</a></li>
                </ul>
            </nav>
        </footer>
    }
}

//! What others see on the reader's profile, and whether comments are mailed to them.

use shared::accounts::{Me, UpdateMeRequest};
use shared::problem::FieldErrors;
use yew::prelude::*;

use crate::api;
use crate::components::field::{Checkbox, FormMessage, SaveActions, TextField};
use crate::forms::{FieldRef, FormAction, on_blur, on_input, on_submit, use_form};
use crate::state::use_session;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProfileForm {
    pub display_name: String,
    pub bio: String,
    pub orcid: String,
    pub homepage: String,
    pub notify_on_comment: bool,
    pub notify_on_reply: bool,
    pub notify_on_follow: bool,
}

impl ProfileForm {
    pub fn from_me(me: &Me) -> Self {
        ProfileForm {
            display_name: me.display_name.clone(),
            bio: me.bio.clone().unwrap_or_default(),
            orcid: me.orcid.clone().unwrap_or_default(),
            homepage: me.homepage.clone().unwrap_or_default(),
            notify_on_comment: me.notify_on_comment,
            notify_on_reply: me.notify_on_reply,
            notify_on_follow: me.notify_on_follow,
        }
    }

    /// Every field, so what the form shows is what gets saved; empty text clears a field.
    fn request(&self) -> UpdateMeRequest {
        UpdateMeRequest {
            display_name: Some(self.display_name.clone()),
            bio: Some(self.bio.clone()),
            orcid: Some(self.orcid.clone()),
            homepage: Some(self.homepage.clone()),
            notify_on_comment: Some(self.notify_on_comment),
            notify_on_reply: Some(self.notify_on_reply),
            notify_on_follow: Some(self.notify_on_follow),
            ..UpdateMeRequest::default()
        }
    }
}

/// The shared profile rules; `username` and `email` are the account's.
pub fn profile_rules(form: &ProfileForm, username: &str, email: &str) -> FieldErrors {
    form.request().validate(username, email).err().unwrap_or_default()
}

const FIELDS: &[FieldRef] = &[
    FieldRef {
        name: "display_name",
        id: "display-name",
    },
    FieldRef {
        name: "bio",
        id: "bio",
    },
    FieldRef {
        name: "orcid",
        id: "orcid",
    },
    FieldRef {
        name: "homepage",
        id: "homepage",
    },
];

#[function_component(ProfileSection)]
pub fn profile_section() -> Html {
    let session = use_session();
    let me = session.me().cloned();
    let form = use_form(|| me.as_ref().map(ProfileForm::from_me).unwrap_or_default());
    let saved = use_state(|| false);
    let Some(me) = me else {
        return html! {};
    };
    let rules = {
        let (username, email) = (me.username.clone(), me.email.clone());
        move |form: &ProfileForm| profile_rules(form, &username, &email)
    };
    let shown = rules(&form.values);
    let onsubmit = {
        let session = session.clone();
        let saved = saved.clone();
        on_submit(&form, FIELDS, rules, move |values: ProfileForm| {
            let session = session.clone();
            let saved = saved.clone();
            saved.set(false);
            async move {
                let me = api::update_me(&session, &values.request()).await?;
                session.set_me(me);
                saved.set(true);
                Ok(())
            }
        })
    };
    let toggle = |field: &'static str, set: fn(&mut ProfileForm, bool)| {
        let dispatcher = form.dispatcher();
        let saved = saved.clone();
        Callback::from(move |checked: bool| {
            saved.set(false);
            dispatcher.dispatch(FormAction::Edit {
                field,
                apply: Box::new(move |form: &mut ProfileForm| set(form, checked)),
            });
        })
    };
    let on_notify = toggle("notify_on_comment", |f, v| f.notify_on_comment = v);
    let on_reply = toggle("notify_on_reply", |f, v| f.notify_on_reply = v);
    let on_follow = toggle("notify_on_follow", |f, v| f.notify_on_follow = v);
    html! {
        <section class="settings-section" aria-labelledby="profile-heading">
            <h2 id="profile-heading">{ "Profile" }</h2>
            <form id="profile-form" class="form" novalidate=true {onsubmit}>
                <TextField
                    id="display-name"
                    label="Display name"
                    value={form.values.display_name.clone()}
                    autocomplete="name"
                    hint="Shown with your summaries and comments."
                    required=true
                    errors={form.errors(&shown, "display_name")}
                    oninput={on_input(&form, "display_name", |f, v| f.display_name = v)}
                    onblur={on_blur(&form, "display_name")}
                />
                <TextField
                    id="bio"
                    label="Bio"
                    multiline=true
                    value={form.values.bio.clone()}
                    hint="A few words about your research. Up to 2000 characters."
                    errors={form.errors(&shown, "bio")}
                    oninput={on_input(&form, "bio", |f, v| f.bio = v)}
                    onblur={on_blur(&form, "bio")}
                />
                <TextField
                    id="orcid"
                    label="ORCID iD"
                    value={form.values.orcid.clone()}
                    autocomplete="off"
                    hint="Such as 0000-0002-1825-0097; linked from your profile."
                    verbatim=true
                    errors={form.errors(&shown, "orcid")}
                    oninput={on_input(&form, "orcid", |f, v| f.orcid = v)}
                    onblur={on_blur(&form, "orcid")}
                />
                <TextField
                    id="homepage"
                    label="Homepage"
                    kind="url"
                    value={form.values.homepage.clone()}
                    autocomplete="url"
                    hint="A web address starting with https://"
                    verbatim=true
                    errors={form.errors(&shown, "homepage")}
                    oninput={on_input(&form, "homepage", |f, v| f.homepage = v)}
                    onblur={on_blur(&form, "homepage")}
                />
                <Checkbox
                    id="notify-on-comment"
                    label="Email me when someone comments on my summaries"
                    checked={form.values.notify_on_comment}
                    onchange={on_notify}
                />
                <Checkbox
                    id="notify-on-reply"
                    label="Email me when someone replies to my comments"
                    checked={form.values.notify_on_reply}
                    onchange={on_reply}
                />
                <Checkbox
                    id="notify-on-follow"
                    label="Email me when a paper I follow gets a new summary"
                    checked={form.values.notify_on_follow}
                    onchange={on_follow}
                />
                <FormMessage message={form.message.clone()} />
                <SaveActions
                    id="profile-submit"
                    label="Save profile"
                    pending_label="Saving…"
                    pending={form.pending}
                    done={(*saved).then_some(AttrValue::from("Profile saved."))}
                />
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ProfileForm {
        ProfileForm {
            display_name: "Ada".into(),
            notify_on_comment: true,
            notify_on_reply: true,
            notify_on_follow: true,
            ..ProfileForm::default()
        }
    }

    #[test]
    fn empty_optional_fields_are_fine_and_clear_them() {
        assert!(profile_rules(&form(), "ada", "ada@example.org").is_empty());
        let request = form().request();
        assert_eq!(request.bio.as_deref(), Some(""));
        assert_eq!(
            request.current_password, None,
            "the profile form never touches the password"
        );
    }

    #[test]
    fn orcid_and_homepage_get_the_shared_messages() {
        let bad = ProfileForm {
            orcid: "0000-0002-1825-0098".into(),
            homepage: "javascript:alert(1)".into(),
            display_name: " ".into(),
            ..form()
        };
        let errors = profile_rules(&bad, "ada", "ada@example.org");
        assert_eq!(
            errors["orcid"],
            ["is not a valid ORCID iD (check digit mismatch)"]
        );
        assert_eq!(
            errors["homepage"],
            ["must be a web address starting with https://"]
        );
        assert_eq!(errors["display_name"], ["must be 1 to 80 characters"]);
    }
}

//! The forms the concierge offers, and the one validator that checks a submission against a
//! form's own field definitions (the same definitions the widget renders).

use super::blocks::{Choice, Condition, Field, FieldType, Form, FormKind};
use serde_json::{Map, Value};

/// One invalid field of a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: String,
    pub message: String,
}

impl Invalid {
    /// `field` is invalid because `message`.
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Invalid {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// Values a shopper does not have to type again: from a signed identity or the conversation.
#[derive(Debug, Clone, Default)]
pub struct Prefill {
    pub name: Option<String>,
    pub email: Option<String>,
    pub order_number: Option<String>,
}

/// Longest email address accepted (RFC 5321's path limit).
pub use crate::email::EMAIL_MAX;
use crate::email::Email;

fn field(name: &str, label: &str, kind: FieldType, required: bool, max_length: usize) -> Field {
    Field {
        name: name.to_string(),
        label: label.to_string(),
        kind,
        required,
        max_length: (max_length > 0).then_some(max_length),
        choices: Vec::new(),
        value: None,
        hint: None,
        required_when: None,
    }
}

fn choices(pairs: &[(&str, &str)]) -> Vec<Choice> {
    pairs
        .iter()
        .map(|(value, label)| Choice {
            value: value.to_string(),
            label: label.to_string(),
        })
        .collect()
}

fn order_fields(prefill: &Prefill, order_hint: &str) -> Vec<Field> {
    vec![
        Field {
            value: prefill.order_number.clone(),
            hint: Some(order_hint.to_string()),
            ..field("order_number", "Order number", FieldType::Text, true, 40)
        },
        Field {
            value: prefill.email.clone(),
            ..field(
                "email",
                "Email used for the order",
                FieldType::Email,
                true,
                EMAIL_MAX,
            )
        },
    ]
}

/// Order number and email, to show an order's timeline.
pub fn order_lookup(prefill: &Prefill, order_hint: &str) -> Form {
    Form {
        form: FormKind::OrderLookup,
        title: "Track your order".to_string(),
        endpoint: "/api/support/orders/lookup".to_string(),
        submit_label: "Find my order".to_string(),
        fields: order_fields(prefill, order_hint),
    }
}

/// Reasons offered for a return or resize.
pub const RETURN_REASONS: [(&str, &str); 6] = [
    ("too_small", "Too small"),
    ("too_big", "Too big"),
    ("changed_mind", "Changed my mind"),
    ("not_as_described", "Not as described"),
    ("damaged", "Arrived damaged"),
    ("other", "Something else"),
];

/// A return or a resize of items of one order.
pub fn return_or_resize(prefill: &Prefill, order_hint: &str) -> Form {
    let mut fields = order_fields(prefill, order_hint);
    fields.extend([
        Field {
            choices: choices(&[
                ("return", "Return for a refund"),
                ("resize", "Resize a ring"),
            ]),
            ..field("request", "What would you like?", FieldType::Radio, true, 0)
        },
        Field {
            hint: Some("The item names as on your order confirmation".to_string()),
            ..field("items", "Which items?", FieldType::Text, true, 500)
        },
        Field {
            hint: Some("US ring size, e.g. 6 or 6.5".to_string()),
            required_when: Some(Condition {
                field: "request".to_string(),
                equals: "resize".to_string(),
            }),
            ..field("new_size", "New ring size", FieldType::Text, false, 5)
        },
        Field {
            choices: choices(&RETURN_REASONS),
            ..field("reason", "Reason", FieldType::Select, true, 0)
        },
        field(
            "comments",
            "Anything else we should know?",
            FieldType::Textarea,
            false,
            2000,
        ),
    ]);
    Form {
        form: FormKind::ReturnOrResize,
        title: "Return or resize".to_string(),
        endpoint: "/api/support/returns".to_string(),
        submit_label: "Send request".to_string(),
        fields,
    }
}

/// Ask to cancel an order that has not shipped.
pub fn cancellation(prefill: &Prefill, order_hint: &str) -> Form {
    let mut fields = order_fields(prefill, order_hint);
    fields.push(field(
        "reason",
        "Why would you like to cancel? (optional)",
        FieldType::Textarea,
        false,
        2000,
    ));
    Form {
        form: FormKind::Cancellation,
        title: "Cancel an order".to_string(),
        endpoint: "/api/support/cancellations".to_string(),
        submit_label: "Ask to cancel".to_string(),
        fields,
    }
}

/// Hand over to a human stylist.
pub fn stylist(prefill: &Prefill) -> Form {
    Form {
        form: FormKind::Stylist,
        title: "Talk to a stylist".to_string(),
        endpoint: "/api/support/stylist".to_string(),
        submit_label: "Send to a stylist".to_string(),
        fields: vec![
            Field {
                value: prefill.name.clone(),
                ..field("name", "Your name", FieldType::Text, true, 100)
            },
            Field {
                value: prefill.email.clone(),
                ..field("email", "Email", FieldType::Email, true, EMAIL_MAX)
            },
            field("phone", "Phone (optional)", FieldType::Tel, false, 30),
            Field {
                choices: choices(&[("email", "Email"), ("phone", "Phone")]),
                value: Some("email".to_string()),
                ..field(
                    "preferred_contact",
                    "How should we reach you?",
                    FieldType::Radio,
                    true,
                    0,
                )
            },
            field(
                "message",
                "How can a stylist help?",
                FieldType::Textarea,
                true,
                2000,
            ),
        ],
    }
}

/// A 1–5 score and an optional comment.
pub fn csat() -> Form {
    Form {
        form: FormKind::Csat,
        title: "How did we do?".to_string(),
        endpoint: "/api/support/csat".to_string(),
        submit_label: "Send feedback".to_string(),
        fields: vec![
            Field {
                choices: choices(&[("1", "1"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5")]),
                ..field(
                    "score",
                    "Your rating from 1 (poor) to 5 (excellent)",
                    FieldType::Radio,
                    true,
                    0,
                )
            },
            field(
                "comment",
                "Comment (optional)",
                FieldType::Textarea,
                false,
                1000,
            ),
        ],
    }
}

/// A validated submission: each field's trimmed text (checkboxes joined by `, `); absent
/// optional fields are missing.
pub type Values = Map<String, Value>;

/// Checks `body` against `form`: no unknown fields (except those in `extra`), types, required
/// fields (including conditional ones), lengths, choices, email syntax. Returns every problem.
pub fn validate(
    form: &Form,
    body: &Map<String, Value>,
    extra: &[&str],
) -> Result<Values, Vec<Invalid>> {
    let mut problems = Vec::new();
    for key in body.keys() {
        if !extra.contains(&key.as_str()) && !form.fields.iter().any(|f| &f.name == key) {
            problems.push(Invalid::new(key, "is not a field of this form"));
        }
    }
    let mut values = Map::new();
    for field in &form.fields {
        let text = match body.get(&field.name) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.trim().to_string(),
            Some(Value::Number(n)) if field.kind == FieldType::Radio => n.to_string(),
            Some(Value::Array(items)) if field.kind == FieldType::Checkboxes => {
                let texts: Option<Vec<&str>> = items.iter().map(Value::as_str).collect();
                match texts {
                    Some(texts) => texts.join(", "),
                    None => {
                        problems.push(Invalid::new(&field.name, "must be a list of choices"));
                        continue;
                    }
                }
            }
            Some(_) => {
                problems.push(Invalid::new(&field.name, "must be text"));
                continue;
            }
        };
        let required = field.required
            || field.required_when.as_ref().is_some_and(|c| {
                body.get(&c.field).and_then(Value::as_str).map(str::trim) == Some(c.equals.as_str())
            });
        if text.is_empty() {
            if required {
                problems.push(Invalid::new(
                    &field.name,
                    format!("{} is required", field.label),
                ));
            }
            continue;
        }
        if let Some(max) = field.max_length
            && text.chars().count() > max
        {
            problems.push(Invalid::new(
                &field.name,
                format!("must be at most {max} characters"),
            ));
            continue;
        }
        if !field.choices.is_empty()
            && field.kind != FieldType::Checkboxes
            && !field.choices.iter().any(|c| c.value == text)
        {
            let allowed: Vec<&str> = field.choices.iter().map(|c| c.value.as_str()).collect();
            problems.push(Invalid::new(
                &field.name,
                format!("must be one of: {}", allowed.join(", ")),
            ));
            continue;
        }
        if field.kind == FieldType::Email && !is_email(&text) {
            problems.push(Invalid::new(
                &field.name,
                "must be an email address like name@example.com",
            ));
            continue;
        }
        if field.kind == FieldType::Tel && !is_phone(&text) {
            problems.push(Invalid::new(
                &field.name,
                "must be a phone number (digits, spaces, + - ( ) only)",
            ));
            continue;
        }
        values.insert(field.name.clone(), Value::String(text));
    }
    if problems.is_empty() {
        Ok(values)
    } else {
        Err(problems)
    }
}

/// A plausible email address, exactly as given (no surrounding spaces): see [`Email::parse`].
pub fn is_email(text: &str) -> bool {
    Email::parse(text).is_ok_and(|email| email.as_str() == text)
}

fn is_phone(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    (6..=20).contains(&digits)
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')' | '.'))
}

/// A US ring size from 2 to 16 in quarter sizes: `6`, `6.5`, `6.25`, `6 1/2`.
pub fn parse_ring_size(text: &str) -> Option<String> {
    let text = text.trim();
    let (whole, fraction) = match text.split_once(' ') {
        Some((whole, "1/4")) => (whole, 0.25),
        Some((whole, "1/2")) => (whole, 0.5),
        Some((whole, "3/4")) => (whole, 0.75),
        Some(_) => return None,
        None => (text, 0.0),
    };
    let value: f64 = whole.parse().ok()?;
    let size = value + fraction;
    let quarters = size * 4.0;
    if !(2.0..=16.0).contains(&size) || quarters.fract() != 0.0 {
        return None;
    }
    Some(format!("{size}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use serde_json::json;

    fn body(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn a_complete_stylist_request_is_valid_and_trimmed() {
        let values = validate(
            &stylist(&Prefill::default()),
            &body(json!({"name": " Ava ", "email": "ava@example.com", "preferred_contact": "email", "message": "Help me choose", "conversation_id": "c1"})),
            &["conversation_id"],
        )
        .unwrap();
        assert_eq!(values["name"], "Ava");
        assert!(!values.contains_key("phone"));
    }

    #[test]
    fn every_problem_is_listed_with_its_field() {
        let problems = validate(
            &stylist(&Prefill::default()),
            &body(json!({"name": "", "email": "not-an-email", "preferred_contact": "fax", "message": "x".repeat(2001), "phone": 12, "surprise": true})),
            &[],
        )
        .unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "surprise",
                "name",
                "email",
                "phone",
                "preferred_contact",
                "message"
            ]
        );
    }

    #[test]
    fn the_new_size_is_required_only_for_a_resize() {
        let form = return_or_resize(&Prefill::default(), "GG-123456");
        let mut request = json!({"order_number": "GG-104233", "email": "a@b.co", "request": "return", "items": "Halo ring", "reason": "too_big"});
        assert!(validate(&form, &body(request.clone()), &[]).is_ok());
        request["request"] = json!("resize");
        let problems = validate(&form, &body(request), &[]).unwrap_err();
        assert_eq!(problems[0].field, "new_size");
    }

    #[test]
    fn emails_must_look_like_emails() {
        for good in ["a@b.co", "first.last+tag@shop.example.com"] {
            assert!(is_email(good), "{good}");
        }
        for bad in [
            "", "a", "a@b", "@b.co", "a@b.co.", "a b@c.co", "a@@b.co", "a@.co",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn ring_sizes_are_us_quarter_sizes() {
        assert_eq!(parse_ring_size("6").as_deref(), Some("6"));
        assert_eq!(parse_ring_size("6.5").as_deref(), Some("6.5"));
        assert_eq!(parse_ring_size("7 1/4").as_deref(), Some("7.25"));
        for bad in ["", "0", "6.3", "seven", "17", "-6", "6 1/3"] {
            assert_eq!(parse_ring_size(bad), None, "{bad}");
        }
    }
}

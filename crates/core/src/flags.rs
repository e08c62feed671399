//! The feature flag that decides who sees the widget: a kill switch, a beta allow-list and a
//! percentage rollout bucketed exactly as Unleash's gradual rollout, so results match it.

use serde::{Deserialize, Serialize};

/// The flag's key (also Unleash's groupId for bucketing).
pub const FLAG_KEY: &str = "concierge-widget";

/// The flag's settings: from the environment, overridden field by field by a runtime change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagSettings {
    /// The master kill switch.
    pub enabled: bool,
    /// 0 to 100.
    pub rollout_percentage: u8,
    /// Emails (trimmed, lowercased) that always see the widget while it is enabled.
    pub allowed_users: Vec<String>,
}

impl Default for FlagSettings {
    fn default() -> Self {
        FlagSettings {
            enabled: true,
            rollout_percentage: 100,
            allowed_users: Vec::new(),
        }
    }
}

/// A runtime change: each field set overrides the environment's value until reset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagOverride {
    pub enabled: Option<bool>,
    pub rollout_percentage: Option<u8>,
    pub allowed_users: Option<Vec<String>>,
}

impl FlagOverride {
    /// Whether it overrides nothing.
    pub fn is_empty(&self) -> bool {
        *self == FlagOverride::default()
    }
}

impl FlagSettings {
    /// These settings with `change` applied.
    pub fn with(&self, change: &FlagOverride) -> FlagSettings {
        FlagSettings {
            enabled: change.enabled.unwrap_or(self.enabled),
            rollout_percentage: change.rollout_percentage.unwrap_or(self.rollout_percentage),
            allowed_users: change
                .allowed_users
                .clone()
                .unwrap_or_else(|| self.allowed_users.clone()),
        }
    }
}

/// A change of the override from `before` to `after` in words, for the audit log: each value
/// that changed, a value left to the environment shown as "environment" ("kill switch:
/// environment → off; rollout: 100% → 50%").
pub fn describe_change(before: &FlagOverride, after: &FlagOverride) -> String {
    fn shown<T>(value: &Option<T>, show: impl Fn(&T) -> String) -> String {
        value
            .as_ref()
            .map_or_else(|| "environment".to_string(), show)
    }
    let on = |b: &bool| if *b { "on" } else { "off" }.to_string();
    let percent = |p: &u8| format!("{p}%");
    let users = |u: &Vec<String>| {
        if u.is_empty() {
            "(none)".to_string()
        } else {
            u.join(", ")
        }
    };
    let mut parts = Vec::new();
    if before.enabled != after.enabled {
        parts.push(format!(
            "kill switch: {} → {}",
            shown(&before.enabled, on),
            shown(&after.enabled, on)
        ));
    }
    if before.rollout_percentage != after.rollout_percentage {
        parts.push(format!(
            "rollout: {} → {}",
            shown(&before.rollout_percentage, percent),
            shown(&after.rollout_percentage, percent)
        ));
    }
    if before.allowed_users != after.allowed_users {
        parts.push(format!(
            "allow-list: {} → {}",
            shown(&before.allowed_users, users),
            shown(&after.allowed_users, users)
        ));
    }
    if parts.is_empty() {
        "no change".to_string()
    } else {
        parts.join("; ")
    }
}

/// Normalises an allow-list: trimmed, lowercased, empty entries dropped, duplicates removed.
pub fn normalise_users<'a>(emails: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut users: Vec<String> = emails
        .into_iter()
        .map(|e| e.trim().to_lowercase())
        .filter(|e| !e.is_empty())
        .collect();
    users.sort();
    users.dedup();
    users
}

/// Why the flag has its value (OFREP's reasons).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Reason {
    /// The kill switch is off.
    Disabled,
    /// The email is on the allow-list.
    TargetingMatch,
    /// Percentage bucketing decided.
    Split,
    /// The rollout is 0% or 100%: the same for everybody.
    Static,
}

/// The flag's value for one visitor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    pub value: bool,
    pub reason: Reason,
}

impl Evaluation {
    /// OFREP's variant name.
    pub fn variant(&self) -> &'static str {
        if self.value { "on" } else { "off" }
    }
}

/// A partial rollout needs someone to bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a targeting key is required to evaluate a partial rollout")]
pub struct MissingTargetingKey;

/// Unleash's bucket: `murmur3_x86_32("{group_id}:{id}", seed 0) % 100 + 1`, from 1 to 100.
pub fn bucket(group_id: &str, id: &str) -> u32 {
    let key = format!("{group_id}:{id}");
    let hash = murmur3::murmur3_32(&mut std::io::Cursor::new(key.as_bytes()), 0).unwrap_or(0);
    hash % 100 + 1
}

/// Evaluates the flag: kill switch off → disabled; an allow-listed (verified) email → enabled;
/// otherwise the percentage rollout, bucketing the email when there is one, else `targeting_key`.
pub fn evaluate(
    settings: &FlagSettings,
    verified_email: Option<&str>,
    targeting_key: Option<&str>,
) -> Result<Evaluation, MissingTargetingKey> {
    let email = verified_email.map(|e| e.trim().to_lowercase());
    if !settings.enabled {
        return Ok(Evaluation {
            value: false,
            reason: Reason::Disabled,
        });
    }
    if let Some(email) = &email
        && settings.allowed_users.contains(email)
    {
        return Ok(Evaluation {
            value: true,
            reason: Reason::TargetingMatch,
        });
    }
    match settings.rollout_percentage {
        0 => Ok(Evaluation {
            value: false,
            reason: Reason::Static,
        }),
        p if p >= 100 => Ok(Evaluation {
            value: true,
            reason: Reason::Static,
        }),
        percentage => {
            let id = email
                .or_else(|| targeting_key.map(|k| k.trim().to_string()))
                .filter(|id| !id.is_empty())
                .ok_or(MissingTargetingKey)?;
            let value = bucket(FLAG_KEY, &id) <= u32::from(percentage);
            Ok(Evaluation {
                value,
                reason: Reason::Split,
            })
        }
    }
}

#[cfg(test)]
mod describe_tests {
    use super::*;

    #[test]
    fn a_change_is_described_value_by_value() {
        let before = FlagOverride::default();
        let after = FlagOverride {
            enabled: Some(false),
            rollout_percentage: Some(50),
            allowed_users: None,
        };
        assert_eq!(
            describe_change(&before, &after),
            "kill switch: environment → off; rollout: environment → 50%"
        );
        assert_eq!(describe_change(&after, &after), "no change");
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn rollout(percentage: u8) -> FlagSettings {
        FlagSettings {
            enabled: true,
            rollout_percentage: percentage,
            allowed_users: vec!["beta@example.com".into()],
        }
    }

    #[test]
    fn buckets_match_unleashs_published_vectors() {
        assert_eq!(bucket("gr1", "123"), 73);
        assert_eq!(bucket("groupX", "999"), 25);
    }

    #[test]
    fn the_kill_switch_beats_everything() {
        let off = FlagSettings {
            enabled: false,
            ..rollout(100)
        };
        let evaluation = evaluate(&off, Some("beta@example.com"), Some("x")).unwrap();
        assert_eq!(
            evaluation,
            Evaluation {
                value: false,
                reason: Reason::Disabled
            }
        );
    }

    #[test]
    fn an_allow_listed_email_is_enabled_at_zero_percent_whatever_its_case() {
        let evaluation = evaluate(&rollout(0), Some(" Beta@Example.COM "), None).unwrap();
        assert_eq!(
            evaluation,
            Evaluation {
                value: true,
                reason: Reason::TargetingMatch
            }
        );
    }

    #[test]
    fn zero_and_one_hundred_percent_are_static() {
        assert_eq!(
            evaluate(&rollout(0), None, Some("a")).unwrap(),
            Evaluation {
                value: false,
                reason: Reason::Static
            }
        );
        assert_eq!(
            evaluate(&rollout(100), None, None).unwrap(),
            Evaluation {
                value: true,
                reason: Reason::Static
            }
        );
    }

    #[test]
    fn a_partial_rollout_buckets_the_email_before_the_targeting_key() {
        let settings = rollout(50);
        let by_email = evaluate(&settings, Some("someone@example.com"), Some("ignored")).unwrap();
        assert_eq!(
            by_email.value,
            bucket(FLAG_KEY, "someone@example.com") <= 50
        );
        assert_eq!(by_email.reason, Reason::Split);
        assert_eq!(evaluate(&settings, None, None), Err(MissingTargetingKey));
    }

    #[test]
    fn raising_the_percentage_only_ever_adds_shoppers() {
        let ids: Vec<String> = (0..2000).map(|i| format!("visitor-{i}")).collect();
        let mut previous = 0;
        for percentage in 0..=100u8 {
            let settings = FlagSettings {
                allowed_users: vec![],
                ..rollout(percentage)
            };
            let enabled: Vec<bool> = ids
                .iter()
                .map(|id| evaluate(&settings, None, Some(id)).unwrap().value)
                .collect();
            let count = enabled.iter().filter(|v| **v).count();
            assert!(count >= previous, "{percentage}% enabled fewer than before");
            if percentage > 0 {
                let lower = FlagSettings {
                    allowed_users: vec![],
                    ..rollout(percentage - 1)
                };
                for (id, now) in ids.iter().zip(&enabled) {
                    let before = evaluate(&lower, None, Some(id)).unwrap().value;
                    assert!(
                        !before || *now,
                        "{id} lost the widget going to {percentage}%"
                    );
                }
            }
            previous = count;
        }
        assert_eq!(previous, ids.len());
    }

    #[test]
    fn an_override_replaces_only_the_fields_it_sets() {
        let base = rollout(10);
        let changed = base.with(&FlagOverride {
            rollout_percentage: Some(60),
            ..FlagOverride::default()
        });
        assert_eq!(
            changed,
            FlagSettings {
                rollout_percentage: 60,
                ..base
            }
        );
    }
}

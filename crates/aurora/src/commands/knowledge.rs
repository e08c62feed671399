use crate::config::{Config, open_store};
use anyhow::Context;
use aurora_core::knowledge::FileProblem;
use aurora_core::services::knowledge::{self, KnowledgeImportError};
use std::path::Path;
use std::process::ExitCode;

/// `aurora knowledge check FILE`: the sections, or every problem with its line.
pub fn check(file: &Path) -> anyhow::Result<ExitCode> {
    let (name, text) = read(file)?;
    match aurora_core::knowledge::parse(&text) {
        Ok(sections) => {
            for section in &sections {
                println!(
                    "line {}: {} ({} alternative questions, {} tags)",
                    section.line,
                    section.title,
                    section.questions.len(),
                    section.tags.len()
                );
            }
            println!("{name}: {} sections, no problems.", sections.len());
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => Ok(refused(&name, &problems, "")),
    }
}

/// `aurora knowledge import FILE`: checked, then stored in place of the previous file.
pub async fn import(config: Config, file: &Path) -> anyhow::Result<ExitCode> {
    let (name, text) = read(file)?;
    let store = open_store(&config).await?;
    match knowledge::import(&*store, &text, chrono::Utc::now()).await {
        Ok(imported) => {
            println!(
                "Imported {} sections from {name}. Knowledge version {}.",
                imported.sections, imported.version
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(KnowledgeImportError::Invalid(problems)) => {
            Ok(refused(&name, &problems, "; nothing was imported"))
        }
        Err(KnowledgeImportError::Store(error)) => {
            Err(anyhow::anyhow!("{name}: {error}; nothing was imported"))
        }
    }
}

fn read(file: &Path) -> anyhow::Result<(String, String)> {
    let name = file.display().to_string();
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read {name} (a UTF-8 text file)"))?;
    Ok((name, text))
}

fn refused(name: &str, problems: &[FileProblem], consequence: &str) -> ExitCode {
    for problem in problems {
        eprintln!("{name}: {problem}");
    }
    eprintln!("{name}: {} problem(s){consequence}.", problems.len());
    ExitCode::FAILURE
}

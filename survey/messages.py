"""The one catalogue of user-facing messages.

Every problem minyi reports to a user is a :class:`Problem` built from an entry of
:data:`CATALOGUE`: a stable code, a location (file, line, column — or row and column
for data files), what is wrong, and how to fix it.  Validators *yield* problems into
a list instead of stopping at the first one (as pyxform / frictionless do); callers
decide whether the list is fatal.  Quarantined rows are stored as these same records, with their code and
params, so that a row problem is said in Chinese (:data:`CATALOGUE_ZH`, :func:`record_message`) where the
questionnaire's language is shown: the 说明 of the quarantine's .xlsx export.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any, Optional

# code -> (message template, hint template).  Templates use str.format(**params).
CATALOGUE: dict[str, tuple[str, str]] = {
    # --- generic / files ---------------------------------------------------------
    "file-not-found": ("file does not exist: {path}", "check the path"),
    "file-unreadable": ("cannot read {path}: {reason}", "check that the file is of the expected kind and not damaged"),
    "file-empty": ("the file is empty", "export the data again; the file has no rows"),
    "file-several-waves": ("the file holds the answers of {count} waves in its 'wave' column ({waves}): a survey export "
                           "of every wave", "import one wave at a time (survey export DIR --wave W --out W.csv for each "
                           "wave, or split the file); nothing was imported"),
    "import-default-wave": ("imported without --wave into wave 'default', beside the project's waves {waves}",
                            "if these answers belong to one of them: survey remove-import {project} {import_id}, "
                            "then import the file again with --wave NAME"),
    "import-rows-of-another-wave": ("{rows} row(s) are answers already stored in wave {other} (import {imports}): the "
                                    "same respondent id, submission time and answers, now imported again into wave "
                                    "{wave}", "if this file holds wave {other}'s answers, undo it: survey remove-import "
                                    "{project} {import_id}; if it is a download of every answer so far, keep only the "
                                    "rows submitted in wave {wave} and import that file instead"),
    "import-ids-zeros-dropped": ("{rows} row(s) are answers already stored in wave {wave} (import {imports}) under "
                                 "the same respondent ids but for leading zeros ({stored} stored, {now} in this file) "
                                 "with the same answers: one file imported again after Excel or WPS dropped the "
                                 "zeros, which survey check does not take for repeated ids",
                                 "if this file repeats import {imports}, undo it: survey remove-import {project} "
                                 "{import_id}"),
    "import-rows-without-ids-repeated": ("{rows} row(s) are answers already stored in wave {wave} (import "
                                         "{imports}) with the same submission time and answers under other "
                                         "respondent ids: {which} no respondent id column, so its rows are numbered "
                                         "by their place in the file ({now} in this file, {stored} stored), and "
                                         "survey check does not take them for repeated answers",
                                         "if this file repeats import {imports} (a fuller download, or the same "
                                         "answers saved again), undo it: survey remove-import {project} "
                                         "{import_id}, and import instead a file of the new rows only, or undo the "
                                         "earlier import if this file replaces it"),
    "ids-restart-per-download": ("{rows} row(s) of import #{import_id} have respondent ids (序号) that {others} "
                                 "also hold, with other answers: 问卷星 numbers 序号 from 1 in every download, so "
                                 "separate downloads (one per site, say) share numbers. These are different "
                                 "respondents, kept as distinct responses, not left out as repeated ids (duplicate_id)",
                                 "nothing to do when the files are separate downloads; if {file} repeats one of them "
                                 "after all, undo it: survey remove-import {project} {import_id}"),
    "wave-name-invisible": ("{where} '{wave}': the wave name holds the control or invisible character(s) {chars} (a "
                            "line break, a tab, or a character that shows text reversed or not at all), which would "
                            "make a wave that no listing, report or minyi.yaml line shows as it was typed",
                            "type the name again with letters, digits or Chinese characters only, e.g. --wave 2026Q1; "
                            "nothing was {done}"),
    "wave-other-spelling": ("wave '{wave}' is another spelling of the project's wave '{known}' (upper/lower case, "
                            "full-width characters or the same period written another way): it would be a second "
                            "wave beside '{known}', splitting its answers in two", "write --wave {known}; nothing was "
                            "imported"),
    "wave-label-taken": ("wave '{wave}' would be shown as '{label}', the label of the project's wave '{other}': readers "
                         "see waves only by their labels, so the two could not be told apart",
                         "if these are {other}'s answers, write --wave {other}; else give the new wave another name, or "
                         "first give {other} another label in minyi.yaml (waves: {other}: {{label: …}}); nothing was "
                         "imported"),
    "ids-digits-lost": ("{count} row(s) have respondent ids of 16 or more digits ending in zeros that repeat "
                        "({cells}): Excel or WPS keeps 15 significant digits of a number, so long ids (ID card, "
                        "student or phone numbers) stored in the workbook as numbers lost their last digits, "
                        "different respondents now share an id, and analysis would keep one answer of each",
                        "import the export as downloaded, or format that column as text before the ids are typed or "
                        "pasted in; nothing was imported"),
    "ids-scientific": ("{count} row(s) have respondent ids in scientific notation that repeat ({cells}): Excel or WPS "
                       "shortened long ids (phone or ID card numbers) when the file was saved, so different "
                       "respondents now share an id, and analysis would keep one answer of each",
                       "import the export as downloaded, or save it with that column formatted as text; nothing "
                       "was imported"),
    "file-wave-differs": ("the file's 'wave' column says '{file_wave}', and its rows were imported into wave '{wave}' "
                          "(--wave)", "leave out --wave to import them into wave '{file_wave}'"),
    "site-kept-from-file": ("--site '{site}' filled {filled} row(s) with no site; {kept} row(s) keep another site the "
                            "file gives in {column} ({sites})", "--site only fills rows that lack a site; to change a "
                            "site the file gives, edit the file or use a --mapping file"),
    "file-no-rows": ("the file has a header row ({columns} columns) but no data rows",
                     "export the data again with the answers (a download made before anyone answered has only the header); "
                     "nothing was imported"),
    "file-unwritable": ("cannot write {path}: {reason}", "choose a writable file path (not a folder)"),
    "encoding": ("cannot decode the text: {reason}", "save the file as UTF-8 or GBK"),
    "encoding-gbk-part": ("cannot decode the text: line {line_no} is not UTF-8 (byte {byte} of the file) in a file "
                          "that is otherwise UTF-8{bom}: mixed encodings (a part saved as GBK?)",
                          "save the whole file in one encoding (in Excel or WPS: 另存为 CSV UTF-8), or type line "
                          "{line_no} again; nothing was imported"),
    "encoding-utf8-part": ("cannot decode the text: line {line_no} is UTF-8 (byte {byte} of the file is no GBK/GB18030) "
                           "in a file that is otherwise GBK/GB18030: mixed encodings (a part saved as UTF-8?)",
                           "save the whole file in one encoding (in Excel or WPS: 另存为 CSV UTF-8), or type line "
                           "{line_no} again; nothing was imported"),
    "encoding-utf8-cells": ("{count} line(s) hold Chinese text written in UTF-8 in a file that is otherwise GBK/GB18030, "
                            "which would be stored as mojibake: {cells}: mixed encodings (text pasted from a UTF-8 "
                            "file?)", "save the whole file in one encoding (in Excel or WPS: 另存为 CSV UTF-8), or type "
                            "the text of those lines again; nothing was imported"),
    "encoding-neither": ("cannot decode the text: line {line_no} is neither UTF-8 nor GBK/GB18030 (byte {byte} of the "
                         "file)", "save the file as UTF-8 or GBK; nothing was imported"),
    # --- the command line and the project's state: one entry per problem.  Those in USAGE_CODES (below) are a wrong
    # command line, exit status 2 (a wrong option value); the others are the state of the project or a file, 1 -----
    "argument-nul": ("an argument holds a NUL character (\\x00); remove it", "see --help"),
    "limit-not-positive": ("{where}: the limit {name} must be a positive number, not {value}", "e.g. {name}={example}"),
    "limit-syntax": ("--limit needs NAME=VALUE, not '{text}' (names: {names})", "see --help"),
    "unknown-format": ("unknown --format '{format}'; choose one of {choices}", "see --help"),
    "unknown-report-format": ("unknown format '{format}'; choose from {choices}", "see --help"),
    "unknown-brief-format": ("unknown format '{format}' for the brief; choose from {choices}", "see --help"),
    "unknown-report-lang": ("--lang must be zh or en, not '{lang}'", "see --help"),
    "unknown-style": ("unknown style '{style}'; choose from {choices}", "see --help"),
    "unknown-grouping": ("unknown grouping '{name}' for --by; choose from: {choices}", "see --help"),
    "unknown-indicator": ("unknown indicator {names} for --indicators; choose from: {choices}", "{suggestion}"),
    "count-option": ("{option} must be a non-negative whole number, not {value}", "see --help"),
    "format-needs-out": ("--format {format} needs --out FILE", "e.g. --out data.{format}"),
    "export-out-kind": ("--out {name}: export writes csv, xlsx, sav or parquet; name the file .{want} (e.g. "
                        "clean.{want})", "see --help"),
    "export-out-format": ("--out {name} names a .{named} file but --format is {format}; add --format {named} (or "
                          "give the file a .{format} name)", "see --help"),
    "table-out-suffix": ("cannot write {path}: {suffix} is not a table format here; use a .csv or .xlsx name",
                         "see --help"),
    "data-out-suffix": ("cannot write {path}: {suffix} is not a data format here; use a .csv or .xlsx name",
                        "see --help"),
    "paper-form-suffix": ("--out {out}: the paper form is written as HTML or PDF; name the file form.html or "
                          "form.pdf", "see --help"),
    "convert-default-out-is-input": ("without --out the XLSForm is written to {out}, which is the input file: "
                                     "converting would overwrite it; name the output file with --out, e.g. --out "
                                     "{example}", "see --help"),
    "convert-out-is-input": ("--out {out} is the input file: converting would overwrite it; name another output file",
                             "see --help"),
    "convert-out-yaml": ("--out {out}: --to yaml writes a minyi questionnaire (YAML); name the file {example}",
                         "see --help"),
    "convert-out-xlsform": ("--out {out}: --to xlsform writes an XLSForm workbook (Excel .xlsx); name the file "
                            "{example}", "see --help"),
    "simulate-seed": ("--seed must be 0 or more, not {seed}", "see --help"),
    "simulate-shift": ("--shift must be a finite number of SD units, not {shift}", "see --help"),
    "simulate-start": ("--start must be a calendar day YYYY-MM-DD, not '{start}'", "see --help"),
    "simulate-out-is-questionnaire": ("--out {out} is the questionnaire file itself: simulate would replace it by "
                                      "the simulated answers; name another file, e.g. responses.csv", "see --help"),
    "simulate-out-suffix": ("--out {out}: simulate writes CSV (minyi's native layout); name the file with .csv, e.g. "
                            "responses.csv (survey export writes .xlsx, .sav and .parquet from a project)",
                            "see --help"),
    "site-no-question": ("--site: the questionnaire has no site_question",
                         "leave out --site, or name the site question in the questionnaire (site_question:)"),
    "sheet-not-excel": ("--sheet applies to Excel workbooks; {name} is {kind}", "leave out --sheet"),
    "sheet-not-found": ("sheet '{sheet}' not found; sheets: {sheets}", "see --help"),
    "wave-name-empty": ("--wave '{wave}' names no wave; give the wave's name, e.g. --wave 2026Q1", "see --help"),
    "wave-name-spaces": ("--wave '{wave}' has spaces around the name; write --wave '{stripped}'", "see --help"),
    "wave-name-too-long": ("--wave '{start}…' is {length} characters long; a wave's name has at most {max}, e.g. "
                           "--wave 2026Q1", "see --help"),
    "serve-wave-name": ("--wave '{wave}': name the wave, e.g. --wave 2026Q3 (not empty, no spaces around it, at "
                        "most {max} characters)", "see --help"),
    "links-out-is-file": ("--out {out} is a file; --out names a folder for the QR codes",
                          "give a new or existing folder, e.g. --out qr"),
    "links-out-unmakeable": ("--out {out}: cannot create the folder ({reason})", "give a folder path for the QR codes"),
    "count-setting": ("{config}: {key} must be a non-negative whole number, not {value}",
                      "write 0 or a larger whole number"),
    "no-responses-yet": ("the project has no responses yet", "survey import first"),
    "wave-no-usable-responses": ("wave '{wave}' has no usable responses",
                                 "survey status DIR shows how many were excluded or quarantined"),
    "trend-wave-no-usable-responses": ("wave '{wave}' ({label}) has no usable responses: every answer of it was "
                                       "quarantined or left out by the quality rules, so the trend cannot show it",
                                       "survey status DIR shows how many were left out and why; if the wave's imports "
                                       "were wrong files, undo them (survey remove-import DIR ID) and the trend "
                                       "follows the other waves"),
    "no-ledger-yet": ("the project has no ledger yet",
                      "run survey ledger DIR --wave W --out ledger.xlsx first"),
    # the engines of survey analyze (--engine duckdb|spark; engines/analyze.py)
    "parquet-folder-no-waves": ("--wave {wave}: a folder of Parquet files has no waves",
                                "analyse each wave's folder, or import the files into a project"),
    "parquet-no-questionnaire": ("no questionnaire for {data}",
                                 "put questionnaire.yaml next to the Parquet files or pass --questionnaire"),
    "parquet-config-yaml": ("{config} is not valid YAML: {reason}", "fix the file's YAML"),
    "url-needs-spark": ("{data} is a URL: a folder on a cluster's file system is read by --engine spark only",
                        "use --engine spark, or copy the folder here"),
    "not-project-or-parquet": ("{data} is neither a project nor a folder of Parquet files",
                               "give a project folder (survey init) or a folder of .parquet files"),
    "engine-weighting": ("weighting (raking/post-stratification) needs the rows",
                         "use the default engine (--engine memory)"),
    "engine-row-design": ("design: {key} ({what}) needs the rows: --engine duckdb|spark computes one-stage "
                          "linearisation designs only", "use the default engine (--engine memory)"),
    "engine-multistage": ("design: {role} names {count} columns (a multistage design): --engine duckdb|spark computes "
                          "one-stage designs only", "use the default engine (--engine memory)"),
    "grouping-not-in-data": ("grouping '{name}': the data have no column {qid}",
                             "leave it out of --by, or add the column to the data"),
    "spark-missing": ("--engine spark needs pyspark", "pip install 'minyi[spark]'; Spark needs Java 17 or later"),
    "trend-one-wave": ("a trend needs at least two waves; the project has {count}{labels}",
                       "import another wave first: survey import DIR FILE --wave W"),
    "internal": ("{reason}", "please report this as a bug"),
    # --- questionnaire YAML ------------------------------------------------------
    "yaml-syntax": ("YAML syntax error: {reason}", "fix the indentation or quoting near this position"),
    "yaml-fullwidth-colon": ("'{key}' is followed by a full-width colon '：', which YAML does not read as key: value",
                             "type the colon half-width: {key}: (switch the input method to English punctuation)"),
    "yaml-tab": ("the line is indented with a tab; YAML allows only spaces for indentation",
                 "replace the tab by spaces (most editors: convert indentation to spaces)"),
    "yaml-empty": ("the file is empty: it holds no YAML content", "write its content, or give the right file"),
    "yaml-type": ("{key} must be {expected}, not {got}", "change the value to {expected}"),
    "yaml-percent": ("{key} must be a number, not the percentage {got}", "write the share as {share}"),
    "yaml-read-as-number": ("{key}: YAML reads the unquoted {raw} as the number {value}{why}", "quote it: {quoted}"),
    "yaml-read-as-bool": ("{key}: YAML reads the unquoted {raw} as {value}, not as the text '{raw}'",
                          "quote it: \"{raw}\" (or write the options as a list of quoted labels)"),
    "yaml-number-as-text": ("{key} is the text '{raw}', read as the number {value}", "write it without quotes: {bare}"),
    "yaml-not-finite": ("{key} must be a finite number, not {raw}", "write a number, or leave the key out"),
    "one-option": ("{where} has a single option '{label}'{why}", "{hint}"),
    "code-too-large": ("option code {code} of {where} is outside the range of codes the store keeps "
                       "(-2147483648 to 2147483647)", "use small whole numbers as codes (1, 2, … or 9/99 for 不了解)"),
    "label-is-other-code": ("option label '{label}' of {where} is the code of another option ('{other}' has code "
                            "{code}): {ref} == \"{label}\" in a condition, or a cell holding {label}, means the "
                            "option labelled '{label}', not code {code}", "give the options codes equal to their "
                            "labels (code: 3 for '3'), or labels that are not numbers"),
    "near-duplicate-label": ("option labels '{label}' and '{other}' of {where} differ only in spaces or full-width "
                             "letters (first on line {first_line})", "respondents and imports cannot tell them apart: "
                             "make them the same option, or say what differs"),
    "empty-text": ("{where} has an empty text: the form prints a number with no question", "write the question's text"),
    "selection-count": ("{qid}: {key} {value:g} is not a whole number of selections; it is read as {used}",
                        "write a whole number"),
    "unknown-key": ("unknown key '{key}' in {where}", "{suggestion}"),
    "missing-key": ("{where} needs the key '{key}'", "add '{key}:'"),
    "missing-translation": ("{where} has no '{key}' (other texts of this questionnaire are translated)",
                            "add '{key}:' so the report in that language has no untranslated text"),
    "translations-count": ("{key}: {count} label(s) for the {n} {what} of {where}",
                           "give one label per entry of {what}, in the same order"),
    "questionnaire-language": ("language: '{value}' is not zh or en", "write language: zh or language: en"),
    "area-weight-range": ("the weight {weight} of area {area} is outside [0, 1]",
                          "area weights are shares that add up to 1"),
    "question-id-characters": ("id '{qid}' may only contain letters, digits and _", "{suggestion}"),
    "row-id-characters": ("row id '{row}' of {qid} may only contain letters, digits and _",
                          "row ids name the columns <question id>_<row id>; use ids such as r1"),
    "matrix-rows-empty": ("{where}: the list of rows is empty (rows: [])",
                          "list the matrix's rows (items), e.g. rows: [环境卫生, 市容市貌]"),
    "min-above-max": ("{qid}: min {min} is greater than max {max}", "swap them"),
    "indicator-kind": ("kind: '{kind}' is not an indicator kind", "{suggestion}"),
    "duplicate-key": ("key '{key}' appears twice in the same mapping (first on line {first_line}); YAML keeps only "
                      "the last one and drops the first silently", "keep one of them, or merge them"),
    "duplicate-id": ("duplicate {what} id '{id}' (first defined on line {first_line})", "give every {what} a unique id"),
    "duplicate-code": ("duplicate option code {code} in {where} (first on line {first_line})", "give every option a unique code"),
    "duplicate-label": ("duplicate option label '{label}' in {where}", "give every option a distinct label"),
    "unknown-type": ("unknown question type '{type}'", "{suggestion}"),
    "unknown-scale": ("question {qid} uses unknown scale '{scale}'", "{suggestion}"),
    "key-not-for-type": ("'{key}' has no effect on question {qid} of type {type}: only {types} questions use it",
                         "{suggestion}"),
    "positive-na": ("{where} lists '{label}', a non-substantive option (na: true), as positive",
                    "a non-substantive answer (不了解/说不清) is never a positive one; remove it, or drop its na: true"),
    "duplicate-row-label": ("matrix {qid} has the row '{label}' twice (first on line {first_line})",
                            "remove the repeated row or make the two labels say what differs"),
    "scale-score": ("option '{label}' of {where} has {problem} score", "give every substantive scale option a numeric score, or mark it na: true"),
    "skip-syntax": ("condition '{expr}' cannot be parsed: {reason}", "write e.g. Q5 == \"知道\", Q7 selected \"停车难\", Q3 in [1, 2] and not Q4 == 2"),
    "skip-unknown-question": ("condition refers to unknown question '{ref}'", "{suggestion}"),
    "skip-later-question": ("condition of {qid} refers to {ref}, which is asked later (or is the question itself)", "conditions may only use earlier questions"),
    "skip-unknown-option": ("condition compares {ref} with '{value}', which is not one of its options", "use one of: {choices}"),
    "skip-cycle": ("skip conditions form a cycle: {cycle}", "remove one of the conditions"),
    "skip-never-true": ("the condition of {qid} can never be true{because}, so {qid} is never asked and nothing "
                        "is collected for it", "fix the condition (check the options, min/max and and/or) or remove the question"),
    "skip-order-na": ("'{expr}' also admits {labels} of {ref} (code {codes}, na: true): an ordering compares codes, "
                      "so the non-substantive answer counts as well", "to mean only the substantive options write "
                      "{ref} in [{subs}]"),
    "skip-type": ("condition uses '{op}' on {ref} of type {type}", "{hint}"),
    "target-range": ("target {value} for {what} is outside [0, 1]", "write targets as shares, e.g. 0.9 for 90%"),
    "indicator-type": ("indicator {indicator} ({kind}) uses {qid} of type {type}", "{hint}"),
    "unknown-ref": ("{where} refers to unknown {what} '{ref}'", "{suggestion}"),
    "site-unlisted": ("option '{label}' of the site question {qid} is not under sites: its respondents get every "
                      "section, yet the paper form does not list it as a site", "add '- {label}' (or its sections) under sites:"),
    "section-no-site": ("section {section} is given to no site, so its {count} question(s) are never asked",
                        "add {section} to the sections of the sites that should answer it, or remove the section"),
    "area-weights": ("area weights sum to {total}, not 1", "make the weights of the areas add up to 1"),
    "options-all-na": ("every option of {where} is marked na: true, so it has no substantive answer to score{indicator}",
                       "give it its substantive options (with scores) and mark only 不了解/说不清 as na: true"),
    "question-role-type": ("{key}: {qid} is a {type} question, but {key} must name {need}", "{hint}"),
    "sites-without-site-question": ("sites: lists the sections each site gets, but there is no site_question, so no "
                                    "respondent's site is known and every section would be asked of everyone",
                                    "add site_question: <id of the question whose options are the sites>"),
    "site-question-not-everywhere": ("the site question {qid} is in section {section}, which only {sites} get: a "
                                     "respondent's site is known only from its answer, so it must be asked at every site",
                                     "move {qid} to a section every site gets (e.g. the first), or give {section} to every site"),
    "no-questions": ("the questionnaire has no {what}: there is nothing to ask, print or simulate",
                     "add a section with at least one question under sections:"),
    "selection-max-below-one": ("{qid}: max {max} must be at least 1", "a multiple choice allows at least one answer"),
    "selection-max-above-options": ("{qid}: max {max} exceeds the {count} options",
                                    "check min/max against the number of options"),
    "ranking-k-range": ("{qid}: k={k} must be between 1 and {count} (the number of options)",
                        "k is how many options the respondent ranks"),
    "questionnaire-invalid": ("{path} is not a valid questionnaire ({count} problem(s)); first: {first}",
                              "run `survey validate {path}` to see every problem with its line"),
    # --- data rows (quarantine reasons) -----------------------------------------
    "unknown-option": ("value '{value}' is not an option of {qid}", "use one of: {choices}"),
    "out-of-range": ("value {value} of {qid} is outside [{min}, {max}]", "correct the value or leave it blank"),
    "not-a-number": ("value '{value}' of {qid} is not a number", "enter a number"),
    # --- a Parquet folder given to survey analyze (engines/parquet_input.py) --------
    "parquet-no-rows": ("the {count} Parquet file(s) hold no rows", "export the responses again"),
    "parquet-unreadable": ("cannot read this Parquet file: {reason}",
                           "export the file again, or move it out of the folder: every *.parquet file under it is analysed"),
    "parquet-unknown-option": ("{count} value(s) of {qid} are not options of the questionnaire, such as '{value}'",
                               "use one of: {choices}; survey import would quarantine these rows"),
    "parquet-not-a-number": ("{count} value(s) of {qid} are not numbers, such as '{value}'",
                             "store the answers as numeric codes; blank text counts as no answer"),
    "spark-no-filesystem": ("Spark has no file system for {scheme}:// URLs: {reason}",
                            "add the file system's connector to the Spark session, e.g. for s3a:// the hadoop-aws package "
                            "of Spark's Hadoop version in spark.jars.packages, or run the command with spark-submit on a "
                            "cluster that has it; see docs/scale.md"),
    "spark-no-start": ("Spark could not start: {reason}",
                       "the Java messages above say why; Spark needs Java 17 or later, and MINYI_SPARK_MASTER, "
                       "MINYI_SPARK_DRIVER_MEMORY (e.g. 2g) and MINYI_SPARK_PARTITIONS must be valid; see docs/scale.md"),
    "spark-unreadable": ("Spark cannot read this location: {reason}",
                         "check the URL, that Spark can reach it and its credentials; see docs/scale.md"),
    "parquet-bad-design-number": ("{count} value(s) of the design column {qid} are missing, negative or not numbers, "
                                  "such as '{value}'",
                                  "every row needs a number of 0 or more here; see design: in minyi.yaml"),
    "too-many": ("{qid}: {count} options selected, at most {max} allowed", "keep at most {max} selections"),
    "too-few": ("{qid}: {count} options selected, at least {min} required", "select at least {min}"),
    "exclusive": ("{qid}: '{label}' cannot be combined with other options", "select either '{label}' or other options"),
    "should-skip": ("{qid} is answered although its condition ({when}) says it should be skipped", "clear the answer or fix the earlier answer"),
    "required-missing": ("required answer {qid} is missing", "fill in the answer"),
    "rank-invalid": ("{qid}: {reason}", "ranks must be 1..{k}, each used once"),
    "choice-twice": ("value '{value}' of {qid} names the option '{label}' twice: whether another option was meant "
                     "cannot be told",
                     "write each chosen option once (and one 〖…〗 after 其他 for its fill-in); if the second was meant "
                     "as another option, correct it"),
    "duplicate-row": ("respondent id '{id}' appears more than once", "remove the duplicate submission"),
    "blank-row": ("the row is empty", "delete empty rows"),
    "summary-row": ("the row's respondent id is '{value}': a row of totals or averages added under the data, not a "
                    "respondent", "delete the rows of totals and averages under the data and import again"),
    "repeated-header": ("the row repeats the header row: files joined one after another? Its cells are column names, "
                        "not answers", "import each export on its own (a later download that repeats earlier answers "
                        "is said at import)"),
    "header-second-row": ("row {row} names the same questions as the header row {header} ({count} columns, e.g. "
                          "{examples}): a header on two rows; it was read as part of the header, not as answers",
                          "nothing to do; delete row {row} to silence this note"),
    "header-two-lines": ("line {upper} holds the same name over several columns and line {lower} names every column "
                         "once: a header on two lines (question texts over column names)?",
                         "delete line {upper} so that line {lower} is the header, then import again; nothing was "
                         "imported"),
    "unmatched-column": ("column '{column}' matches no question", "{suggestion}"),
    "spss-shared-label": ("variable '{column}' ({qid}): its SPSS value labels give the label '{label}' to the values "
                          "{codes}; read by label, their answers would all become option {option} and be merged",
                          "give each value its own label in SPSS (Variable View → Values) and save the file again, or "
                          "map the values with --mapping; nothing was imported"),
    "spss-labels-merge": ("variable '{column}' ({qid}): the value {by_label} is read by its label '{by_label_label}' "
                          "as option {option} ({label}), and the value {by_number}, with {by_number_label} that names "
                          "no option, by its number as the same option: their answers would be merged",
                          "give the values labels that name the questionnaire's options in SPSS (Variable View → "
                          "Values) and save the file again, or say what each value means with --mapping, e.g. "
                          "values: {example}; nothing was imported"),
    "column-number-only": ("column '{column}' matched to {qid} ({number}、{title}) by its number only: the titles "
                           "differ", "check that the file belongs to this questionnaire; if the column "
                           "is another question, map it with --mapping (columns: {{'{column}': QUESTION_ID}}, or null "
                           "to leave it out), docs/import-formats.md"),
    "column-part-elsewhere": ("column '{column}' has the number of {qid}, which has no row or option '{part}'; {other} "
                              "has such a {what}: matched by that label to {other}", "a question inserted in (or "
                              "removed from) the export shifts the numbers after it: check that the file belongs to "
                              "this questionnaire; if the column is another question, map it with --mapping "
                              "(columns: {{'{column}': QUESTION_ID}}), docs/import-formats.md"),
    "column-number-unknown": ("column '{column}' has the number {number}, which no question of the questionnaire "
                              "has; its title is that of {other}: matched by title to {other}",
                              "a question inserted in the export shifts the numbers after it: check that the file "
                              "belongs to this questionnaire, or map the column with --mapping"),
    "missing-column": ("no column for {qid}", "{suggestion}"),
    "unknown-column": ("column '{column}' is not in the data", "{suggestion}"),
    # --- a survey design that the data or the options cannot make (analysis.design.DesignError and its kinds;
    # survey/design_messages.py says which entry each kind is): located at the data file's line and column where
    # the library knows them.  Those in USAGE_CODES are a wrong option value (exit status 2) -------------------
    "design-empty-id": ("{role} column '{column}' has an empty cell: every row needs a {role}{more}",
                        "fill in the {role} of those rows in '{column}', or leave the rows out of the file"),
    "design-negative": ("{role} column '{column}' holds {value}: a {role} must be 0 or more{more}",
                        "correct the {role}s in '{column}', or leave those rows out of the file"),
    "design-not-a-number": ("{role} column '{column}' holds {cell}: every row needs a number there{more}",
                            "give every row a number in '{column}', or leave those rows out of the file"),
    "design-zero-weights": ("weight column '{column}': every weight is 0, so no row takes part in any estimate",
                            "check that --weight names the weight column (design: weights: in minyi.yaml) and its "
                            "values"),
    "design-fpc-too-small": ("fpc column '{column}' ({where}): the population size {value} is smaller than the "
                             "{sampled} {units} sampled there",
                             "give '{column}' the population size there (at least {sampled}), or the sampling "
                             "fraction (at most 1)"),
    "design-fpc-mixed": ("fpc column '{column}' of {stage} holds the sampling fraction {value} here, but column "
                         "'{count_column}' "
                         "line {count_line} holds the population count {count_value}",
                         "give every fpc value as a population count (1 or more) or every one as a sampling fraction "
                         "(at most 1)"),
    "design-fpc-varies": ("fpc column '{column}' of {stage} varies in {where}: {value} here, {value2} on line "
                          "{line2}", "give every row in {where} the same population count or sampling fraction in "
                          "'{column}'"),
    "design-fpc-zero": ("fpc column '{column}' of {stage} is 0 here (no unit sampled), so the weights cannot be "
                        "derived from the fpc", "give --weight, or the sampling fraction or population size on "
                        "that line"),
    "design-pps-counts": ("with --pps the fpc column '{column}' holds inclusion probabilities (at most 1), not "
                          "population counts", "give the PSUs' inclusion probabilities in '{column}', or leave out "
                          "--pps"),
    "design-pps-varies": ("fpc column '{column}' (inclusion probabilities) varies within a PSU",
                          "give every row of a PSU its PSU's inclusion probability"),
    "design-pps-zero": ("inclusion probability {value} in '{column}': it must be greater than 0",
                        "correct the inclusion probabilities in '{column}'"),
    "design-psu-in-strata": ("a PSU of '{column}' appears in more than one stratum of '{strata}'",
                             "give each stratum's PSUs ids of their own, or nest the PSUs in the strata "
                             "(Design.from_frame(nest=True))"),
    "design-lonely-psu": ("{strata_said} only one PSU, so the variance there cannot be estimated",
                          "choose how to treat a lonely PSU: --lonely-psu adjust|average|certainty|remove (design: "
                          "lonely_psu: in minyi.yaml; R survey.lonely.psu), or merge the stratum with another"),
    "design-lonely-unit": ("a unit of {parent} holds only one sampled unit of {stage}, so the variance of that stage "
                           "cannot be estimated", "choose how to treat a lonely unit: --lonely-psu "
                           "adjust|average|certainty|remove (R survey.lonely.psu)"),
    "design-brr-two-psus": ("BRR needs exactly two PSUs in every stratum; stratum {strata} has another number",
                            "use --replicates JKn or bootstrap, or sample two PSUs per stratum"),
    "design-census": ("every stratum was sampled completely (by its fpc): there is no sampling variance to make "
                      "replicates of", "check the fpc values, or estimate without --replicates"),
    "design-no-rows": ("the data have no rows", "export the data again with the answers"),
    "design-no-score": ("value '{value}' of column '{column}' has no --score and is not --missing{others}",
                        "give it a score (--score '{value}'=NUMBER) or leave it out of the base (--missing "
                        "'{value}')"),
    "design-value-not-number": ("column '{column}' holds '{value}', {what}{more}",
                                "count a category with --level, score the categories with --score, or leave the "
                                "value out of the base with --missing"),
    "design-value-too-large": ("column '{column}' holds {value}, too large to estimate with: its square overflows "
                               "double precision (numbers up to ±{largest}){more}",
                               "rescale the column (e.g. in thousands, or its logarithm), or correct the value"),
    "design-no-valid-values": ("column '{column}' has no valid values: every row is empty, --missing or of weight 0",
                               "check --var, --missing and the weights"),
    "design-value-absent": ("{option} '{value}': no row of {where} has this value", "{suggestion}"),
    "design-no-rows-both": ("no rows have values of both '{row_column}' and '{col_column}'",
                            "check --row, --col and --missing: every row is empty or --missing in one of them"),
    "design-no-group-rows": ("no compared group has a valid row", "check the group column, the variable and the "
                             "weights"),
    "design-no-valid-rows": ("no valid rows to estimate '{column}' from: every row of the domain has an empty value "
                             "or a weight of 0", "check the domain (an empty group?), the variable and the weights"),
    "design-not-numbers": ("column '{column}' holds '{value}' in row {index} (0-based), not a number{more}",
                           "give numbers, or a 0/1 indicator such as data[col] == value"),
    "design-not-indicator": ("a share needs a 0/1 (True/False) indicator, but '{column}' is {value} in row {index} "
                             "(0-based){more}", "pass data[col] == value for the share holding a value, or use svymean "
                             "for a mean"),
    "design-indicator-column": ("no data column '{column}' for indicator {indicator}",
                                "check that the questionnaire's indicators name its questions (survey check)"),
    "design-no-repweights": ("no replicate weight columns match '{pattern}'",
                             "--repweights takes the column names (a,b,c) or a regular expression that matches them"),
    "design-model-collinear": ("the model's predictors are collinear (a predictor is constant or a combination of "
                               "others in the rows used)", "leave out the redundant predictor"),
    "design-model-diverged": ("the model fit diverged", "check the response and the predictors (a predictor that "
                              "separates the response?)"),
    "design-model-empty": ("a model needs at least one coefficient", "give a predictor, or keep the intercept"),
    "design-model-too-few-rows": ("the model has {count} coefficients but only {rows} rows with a value for every "
                                  "term", "use fewer predictors, or data with more complete rows"),
    "design-model-formula": ("a model formula looks like 'y ~ x1 + x2', not '{formula}'",
                             "write the response, a ~, and the predictors joined by +"),
    "design-model-no-response": ("a model needs a formula ('y ~ x1 + x2') or the response y= and predictors x=",
                                 "give formula=, or y= and x= (column names)"),
    "design-model-response-01": ("a logistic model needs a 0/1 (or 0–1) response; '{column}' has other values",
                                 "model an indicator such as data[col] == value, or use family='gaussian'"),
    "design-model-no-rows": ("no rows with a positive weight and values for every model term",
                             "check the model's columns for empty cells, and the weights"),
    "design-one-column": ("{key} names one column, not {count} ({columns})",
                          "a design has one weight column and one stratum column; the stages of a multistage design "
                          "are listed under psu and fpc"),
    "design-unknown-argument": ("unknown design argument '{key}'", "{suggestion}"),
    "design-values-not-names": ("{key} names column(s) of the data, not values (got a {type} of {count})",
                                "add the values as a column, e.g. data.assign({key}_col=values), and pass "
                                "{key}=\"{key}_col\""),
    "design-several-columns": ("one variable at a time: give one column name, not {count} ({columns})",
                               "call the estimator once per column"),
    "design-replicate-unsupported": ("{what} does not work with a replicate-weight design",
                                     "use a design without --repweights or --replicates for it"),
    "design-replicates-calibrated": ("replicate weights cannot be made from a calibrated design",
                                     "make the replicate weights from the design before calibration"),
    "design-length": ("{what} has {count} values for {rows} rows", "give one value per row of the design's data"),
    "design-shape": ("{what} must be {expected}", "see the function's documentation"),
    "design-weights-array": ("the weights given as values are {reason}", "give one weight per row, each a number "
                             "of 0 or more"),
    "design-zero-denominator": ("the denominator's total is zero", "check the ratio's denominator column: its "
                                "weighted total is 0"),
    "design-contrast-coef": ("the contrast's coefficients: {reason}", "give one number per estimate"),
    "design-league-se": ("this league table needs the estimates' standard errors",
                         "pass se= (and cov=); an overlap table can use ci_low= and ci_high= instead"),
    "design-ranks": ("ranks of option {option} must be whole numbers from 1 to {max}",
                     "check the answers of the ranking question"),
    "design-engine-presence": ("a totals engine needs the domain's presence per stratum",
                               "pass present= to the engine's variance"),
    "design-engine-weights": ("weight column '{column}' has values that are empty, negative or not numbers",
                              "correct the weights in '{column}', or leave those rows out of the data"),
    "design-engine-fpc-cells": ("fpc column '{column}' has empty or non-numeric values",
                                "give every row a number in '{column}' (its stratum's population size or sampling "
                                "fraction)"),
    "design-engine-fpc-varies": ("fpc column '{column}' varies {where} (from {low} to {high})",
                                 "give every row of a stratum the same population size or sampling fraction in "
                                 "'{column}'"),
    "design-engine-fpc-fractions": ("the sampling fractions in fpc column '{column}' must be between 0 and 1",
                                    "correct the negative values in '{column}'"),
    "design-engine-fpc-zero": ("fpc column '{column}' is 0 in stratum '{stratum}' (no unit sampled), so the weights "
                               "cannot be derived from the fpc", "give weights in the design, or the sampling "
                               "fraction or population size there"),
    "design-engine-units": ("a (stratum, PSU) of the statistics is not among the design's units",
                            "this is a bug: please report it with the data's design: block"),
    "design-engine-rowwise": ("cell totals cannot carry calibration residuals, later stages or PPS",
                              "use variance_of_influence with per-row influence values on this design"),
    # wrong option values and combinations (USAGE_CODES)
    "design-lonely-psu-choice": ("--lonely-psu must be one of {choices}, not '{value}'",
                                 "--lonely-psu adjust|average|certainty|remove (R survey.lonely.psu)"),
    "design-pps-choice": ("--pps must be one of {choices}, not '{value}'", "--pps brewer, or leave it out"),
    "design-ci-method-choice": ("unknown interval method --ci '{value}'; choose one of {choices}", "see --help"),
    "design-na-policy-choice": ("--na '{value}' is no treatment of 不了解/说不清; choose {choices}",
                                "--na excluded (leave the base) or --na unsatisfied (count as not satisfied)"),
    "design-df-value": ("{option} must be a number of degrees of freedom (inf for the normal), not '{value}'",
                        "e.g. {option} 30, or {option} inf"),
    "design-level": ("{option} must be between 0 and 1 (0.95 for a 95 % interval), not {value}",
                     "e.g. {option} 0.95"),
    "design-statistic-choice": ("unknown statistic '{value}'; choose one of {choices}", "see --help"),
    "design-test-choice": ("unknown test --test '{value}'; choose one of {choices}", "see --help"),
    "design-qrule-choice": ("unknown quantile rule --qrule '{value}'; choose one of {choices}", "see --help"),
    "design-interval-type-choice": ("unknown quantile interval '{value}'; choose one of {choices}", "see --help"),
    "design-quantile-ci-method": ("--ci '{value}' has no quantile (Woodruff) version", "for quantiles use --ci "
                                  "{choices}"),
    "design-quantile-value": ("quantiles must be probabilities between 0 and 1 (0.5 for the median), not {value}",
                              "e.g. --quantile 0.5 --quantile 0.9"),
    "design-rep-type-choice": ("unknown replicate type '{value}'; choose one of {choices}", "see --help"),
    "design-replicates-count": ("--n-replicates must be a whole number of bootstrap replicates, 2 or more, not "
                                "{value}", "e.g. --n-replicates 50 (R replicates=50)"),
    "design-family-choice": ("unknown model family '{value}'; choose one of {choices}", "see the svyglm "
                             "documentation"),
    "design-league-choice": ("unknown league method '{value}'; choose one of {choices}", "see --help"),
    "design-ratio-columns": ("a ratio needs a numerator and a denominator column", "--ratio NUM/DEN"),
    "design-quantile-of-levels": ("quantiles need numbers or --score, not --level",
                                  "leave out --level, or score the categories with --score"),
    "design-no-quantiles": ("give the quantiles to estimate", "e.g. --quantile 0.5 for the median"),
    "design-likelihood-groups": ("the likelihood interval is for single estimates, not for tables of groups",
                                 "use --ci logit, asin or clopper-pearson"),
    "design-likelihood-replicates": ("the likelihood interval is not available with replicate weights",
                                     "use --ci logit, asin or clopper-pearson"),
    "design-fpc-stages": ("one fpc column per sampling stage: {stages} stage(s) ({psu}) but {fpc_count} fpc "
                          "column(s) ({fpc})", "--psu a,b --fpc N1,N2 (R fpc=~N1+N2 for ids=~a+b)"),
    "design-fpc-no-stages": ("{fpc_count} fpc columns ({fpc}) need as many sampling stages",
                             "name the stages with --psu a,b"),
    "design-pps-needs-fpc": ("PPS (Brewer) needs one fpc column of inclusion probabilities and one sampling stage",
                             "--pps brewer --psu PSU --fpc PROBABILITY"),
    "design-replicates-twice": ("replicate-weight columns (--repweights) and replicates to make (--replicates) are "
                                "given together", "leave out one of them"),
    "design-replicate-with-strata": ("a replicate-weight design takes its variance from the replicate weights; "
                                     "strata, PSU and fpc columns are not used with it",
                                     "leave out --strata, --psu and --fpc with --repweights"),
    "design-fay-rho": ("--rep-type Fay needs Fay's coefficient", "give --rho, e.g. --rho 0.5"),
    "design-jkn-rscales": ("JKn replicate weights that include the sampling weights need each replicate's "
                           "(n_h - 1)/n_h", "give --rep-rscales, or --no-combined-weights"),
    "design-rscales-length": ("--rep-rscales has {count} values for {replicates} replicate weight columns",
                              "give one per replicate weight column, or one number for all"),
    "design-jk1-strata": ("JK1 replicates are for unstratified designs", "--replicates JKn (or bootstrap) with "
                          "--strata"),
    "design-replicates-need-strata": ("{type} replicates need a stratified design", "give --strata, or --replicates "
                                      "JK1 or bootstrap"),
    # sample-size planning (analysis.planning.PlanningError): the options (USAGE_CODES), or the strata file
    "plan-margin": ("--margin is the margin of error as a share between 0 and 1, not {value}",
                    "e.g. --margin 0.03 for ±3 percentage points"),
    "plan-margin-too-small": ("--margin {value} is too small to plan for (at least 1e-06, a sample of about 10^12)",
                              "e.g. --margin 0.03 for ±3 points"),
    "plan-confidence": ("--confidence must be between 0 and 1, not {value}", "e.g. --confidence 0.95"),
    "plan-p": ("--p (the anticipated proportion) must be between 0 and 1, not {value}", "e.g. --p 0.5"),
    "plan-deff": ("--deff (the design effect) must be a positive number, not {value}", "e.g. --deff 1.5"),
    "plan-population": ("--population must be at least 1, not {value}", "give the population size, or leave it out"),
    "plan-min-per-stratum": ("--min-per-stratum must be 0 or more, not {value}", "e.g. --min-per-stratum 30"),
    "plan-allocation-choice": ("unknown allocation '{value}'; choose one of {choices}", "see --help"),
    "plan-no-strata": ("the strata file lists no strata", "list one stratum per row with its population size"),
    "plan-stratum-population": ("stratum '{stratum}' has the population size {value}; every stratum needs at least 1",
                                "give every stratum its population size in the strata file"),
    "plan-neyman-needs-sd": ("Neyman allocation needs each stratum's standard deviation (sd) or proportion (p)",
                             "add an sd or p column to the strata file, or --allocate proportional"),
    "plan-neyman-sd": ("Neyman allocation needs standard deviations of 0 or more, not all 0",
                       "correct the sd column of the strata file, or --allocate proportional"),
    "plan-stratum-p": ("the strata's proportions p must be between 0 and 1", "correct the p column of the strata "
                       "file"),
    # minyi.yaml's design: block and analysis settings of a fixed set of values
    "config-design-one-column": ("{key} names one column, not {count} ({columns})",
                                 "write one column name there: a design has one weight column and one stratum "
                                 "column; the stages of a multistage design are listed under psu and fpc "
                                 "(docs/project-config.md)"),
    "config-design-choice": ("{key}: '{value}' is not one of {choices}",
                             "write one of them there (docs/project-config.md)"),
    "config-design-replicates-twice": ("the design gives replicate-weight columns (repweights) and asks for "
                                       "replicates to be made (replicates)", "keep one of the two keys"),
    "config-design-values-not-names": ("{key} holds {count} values, not the name of a column",
                                       "write the name of the data's column there (docs/project-config.md)"),
    "config-na-policy": ("na_policy: unknown treatment of 不了解/说不清 '{value}'; choose {choices}",
                         "write na_policy: excluded or na_policy: unsatisfied (docs/project-config.md)"),
    "config-ci-method": ("ci_method: unknown interval method '{value}'; choose one of {choices}",
                         "write one of them as ci_method: (docs/project-config.md)"),
    "formula-no-value": ("cell {cell} holds a formula ({value}) without a computed value: read as empty",
                         "open the file in Excel or WPS and save it (that computes the formulas), then import again"),
    "excel-error": ("cell {cell} holds the Excel error {value}, not an answer: read as empty",
                    "correct the cell (or the formula that gives the error) in Excel or WPS, then import again"),
    "percent-cells": ("{count} answer cell(s) are formatted as percentages in the workbook: {cells}",
                      "a percentage is stored as the percent it shows (50% → 50) when the question's unit is %, "
                      "else as the number the cell holds (50% → 0.5); if that is not the answer, correct the "
                      "cells (or the question's unit) and import again"),
    "excel-error-cells": ("{count} cell(s) hold an Excel error value (#N/A, #DIV/0! …) and were read as empty: {cells}",
                          "correct those cells (or the formulas that give the errors) in Excel or WPS, then import again"),
    "formula-no-value-cells": ("{count} cell(s) hold a formula without a computed value and were read as empty: {cells}",
                               "open the file in Excel or WPS and save it (that computes the formulas), then import again"),
    "duration-unreadable": ("{count} cell(s) hold no duration minyi can read and were stored empty "
                            "(survey check cannot judge those rows' speed): {cells}",
                            "write the time taken as seconds (268), 268秒, 4分28秒 or 00:04:28, then import again"),
    "time-day-month-unknown": ("the dates of this column put the year last and every one reads both ways ('{example}' "
                               "is {month_first} month first, {day_first} day first): they were read month first",
                               "if the day comes first, write the dates as 2026-09-01 (or import the export as "
                               "downloaded) and import again"),
    "time-unreadable": ("{count} cell(s) hold no date and time minyi can read and were stored empty: {cells}",
                        "write them as 2026-09-01 09:01:00, 2026/9/1 9:01 or 2026年9月1日 9时1分, then import again"),
    "sav-labels-shortened": ("{count} label(s) longer than an SPSS file holds ({limits}) were shortened, ending in '…': "
                             "{labels}",
                             "the full texts are in the questionnaire and in the 变量说明 sheet of an Excel export "
                             "(survey export DIR --format xlsx)"),
    "sav-nul-dropped": ("{count} text cell(s) hold a NUL character, which ends a string in an SPSS file (the rest "
                        "of the text would be lost); the NUL was left out: {cells}",
                        "to keep the text exactly as stored, export Parquet or Excel (--format parquet, --format xlsx)"),
    "csv-nul-dropped": ("{count} text cell(s) hold a NUL character, which no spreadsheet writes into a CSV (survey "
                        "import refuses such a file as damaged); the NUL was left out: {cells}",
                        "to keep the text exactly as stored, export Parquet or Excel (--format parquet, --format xlsx)"),
    "export-no-responses": ("the project has no responses{of_wave} yet: {out} holds the column header only",
                            "survey import {project} FILE first"),
    "export-all-quarantined": ("every imported row{of_wave} is in quarantine: {out} holds the column header only",
                               "survey quarantine {project} lists the problems"),
    "export-all-excluded": ("the exclusion rules drop every response{of_wave}: {out} holds the column header only",
                            "survey status {project} counts the rows each rule excludes; exclusions: in minyi.yaml "
                            "sets the rules"),
    "export-none-excluded": ("the exclusion rules drop no response{of_wave}: {out} holds the column header only", ""),
    "export-ids-qualified": ("respondent ids repeat across imports in {count} row(s) (问卷星 numbers 序号 from 1 in every "
                             "download), and minyi keeps those rows as different respondents: every id is written as "
                             "import-id ({examples}), so the file reads back as the same respondents, not as repeated "
                             "ids (duplicate_id)",
                             "the number before the dash is the import's number (survey status lists the imports with "
                             "their files); after it, the id as the file gave it"),
    "sheets-not-read": ("only the first sheet was read; {count} other sheet(s) of the workbook hold rows and were not "
                        "imported: {sheets}",
                        "if answers are on another sheet, import it too with --sheet NAME (one import per sheet)"),
    "hidden-cells": ("{what} hidden in the workbook {were} imported: hidden answers are answers too",
                     "to leave answers out, delete their rows in the file (hiding does not remove them), then import again"),
    "ids-full-width": ("{count} respondent id(s) written in full-width characters were stored as the ids they spell: "
                       "{ids}",
                       "so that Ａ００１ and A001 are one respondent, for the repeated ids at import and survey check's "
                       "duplicate_id alike; write the ids in half-width characters to silence this note"),
    "header-full-width": ("{count} column name(s) written in full-width characters were read as the columns they "
                          "spell: {names}",
                          "nothing was changed in the answers; write the names in half-width characters (K4, not "
                          "Ｋ４) to silence this note"),
    "coding-changed": ("{qid}: the answers of wave(s) {waves} (import {imports}) were imported when the questionnaire "
                       "coded it otherwise: {detail}; they are now read with today's options",
                       "if the codes were renumbered, give the old options their old codes back and the new ones new "
                       "codes; if the old answers should be read otherwise, remove and import those files again"),
    "questionnaire-replaced": ("the answers of wave(s) {waves} (import {imports}) were imported with another "
                               "questionnaire: this one has none of their questions ({detail}), so they are read as "
                               "not answered",
                               "copy back the questionnaire those imports were made with (minyi.yaml's questionnaire_source "
                               "names the file survey init copied), or import the files into a new project of this "
                               "questionnaire"),
    "total-row": ("this row is a {label!r} row (a total or an average, not a respondent)",
                  "delete the rows of totals and averages under the data and run again; estimating with it would "
                  "count it as one more respondent"),
    # --- project store -----------------------------------------------------------
    "project-busy": ("cannot open the project database {path}: {reason}",
                     "another survey command is using the project; wait for it to finish and retry, or let commands "
                     "wait longer with `survey --limit lock_wait={raised} …` or `limits: {{lock_wait: {raised}}}` in minyi.yaml"),
    "not-a-project": ("{path} is not a minyi project", "create one with: survey init {path} --questionnaire Q.yaml"),
    "project-is-file": ("{path} is a file, not a project folder",
                        "give the folder that survey init created (it holds minyi.yaml and minyi.duckdb)"),
    "project-config-missing": ("{path} holds a project store ({db}) but no settings file {config}",
                               "restore {config} from a backup, or write one holding the line questionnaire: {qfile}; "
                               "docs/project-config.md lists every key"),
    "project-store-missing": ("{path} holds the settings file {config} but no project store {db}",
                              "restore {db} from a backup: the project's imports are kept in it, and survey init in a "
                              "new folder starts a project again"),
    "project-questionnaire-missing": ("the project's copy of its questionnaire, {path}, is missing",
                                      "copy the questionnaire the project was made with back to {path}; survey init copied it from {source}"),
    "out-is-project-file": ("{option} {path} is the project's {what}: writing there would replace it",
                            "give the output another name, e.g. clean.csv; the project's own files are minyi.duckdb, minyi.yaml, "
                            "questionnaire.yaml and its hidden files"),
    "project-exists": ("{path} is already a minyi project", "choose another folder, or import into this one with: survey import {path} FILE"),
    # a value of minyi.yaml of the wrong kind (survey.config_marks.VALUE_CODES: named at the value's line and column)
    "config-not-mapping": ("{key} must be a mapping of keys and values, not {value}", "e.g. {example}"),
    "config-not-list": ("{key} must be a list, not {value}", "e.g. {example}"),
    "config-not-share": ("{key} must be a number greater than 0 and less than 1, not {value}", "e.g. {example}"),
    "config-not-share-upto-one": ("{key} must be a number greater than 0 and at most 1, not {value}", "e.g. {example}"),
    "config-not-positive": ("{key} must be a number greater than 0, not {value}", "e.g. {example}"),
    "config-not-number": ("{key} must be a number of at least 0, not {value}", "e.g. {example}"),
    "config-not-whole-number": ("{key} must be a whole number of at least {least}, not {value}", "e.g. {example}"),
    "config-not-bool": ("{key} must be true or false, not {value}", "write true or false"),
    "config-not-text": ("{key} must be one text, not {value}", "e.g. {example}"),
    "config-not-date": ("{key}: {value} is not a date written YYYY-MM-DD", "{suggestion}"),
    "config-root-not-mapping": ("the settings must be a mapping of keys (questionnaire:, waves:, …), not {value}",
                                "restore the minyi.yaml that survey init wrote; docs/project-config.md lists every key"),
    "config-questionnaire-copy": ("questionnaire: the project reads its copy {qfile}, not {value}",
                                  "edit {qfile} in the project folder (survey validate checks it), and write "
                                  "questionnaire: {qfile} here"),
    "config-design-column": ("{key}: column '{column}' is not a column of {source}", "{suggestion}"),
    "config-ledger-adjust": ("ledger.adjust must be holm or none, not {value}",
                             "holm keeps the chance of any false item at alpha; none tests each item at alpha"),
    "config-weighting-method": ("weighting.method must be rake or poststratify, not {value}",
                                "e.g. weighting: {{method: rake}}"),
    "config-weighting-no-margins": ("weighting needs population margins, and the settings have no margins:",
                                    "add margins: {{district: pop_district.csv, gender: pop_gender.csv}}"),
    "config-margins-not-dimension": ("margins.{dimension}: '{dimension}' is not a sample-composition dimension of "
                                     "the questionnaire", "{suggestion}"),
    "config-margins-not-path": ("margins.{dimension} must be a file path, not {value}",
                                "a CSV/XLSX path relative to the project folder"),
    "config-owner-unit": ("owners.{area} must be the responsible unit's name, not {value}", "e.g. {area}: 市城管局"),
    "config-waves-shape": ("waves must be a list of wave names or a mapping, not {value}",
                           "e.g. waves: {{2026Q3: {{label: 2026年第三季度, start: 2026-07-01, end: 2026-09-30}}}}"),
    "config-wave-shape": ("waves.{wave} must be a label or a mapping, not {value}",
                          "e.g. {wave}: {{label: 2026年第三季度, start: 2026-07-01, end: 2026-09-30}}"),
    "config-wave-name-empty": ("waves: a wave's name is empty", "write the wave's name without quotes, e.g. 2026Q1:"),
    "config-wave-name-spaces": ("waves: the wave {wave} has spaces around its name, so --wave '{stripped}' does not "
                                "name it", "write the wave's name without quotes or spaces, e.g. {stripped}:"),
    "config-wave-name-too-long": ("waves: the wave '{start}…' is {length} characters long; a wave's name has at most "
                                  "{most}", "give the wave a short name (e.g. 2026Q1) and the long one as its label:"),
    "config-wave-dates-reversed": ("waves.{wave} starts ({start}) after it ends ({end})", "swap start and end"),
    "config-wave-label-twice": ("waves {other} and {wave} are both shown as '{label}' ({field}): every output names "
                                "waves by their labels, so the two could not be told apart (the brief would compare "
                                "'{label}' with '{label}')", "give one of them a {field} of its own under waves.{other} "
                                "or waves.{wave}"),
    "config-quota-no-question": ("{key}: the questionnaire has no {what}_question, so a quota cell cannot name a "
                                 "{what}", "remove {what} from the quota cells, or set {what}_question in the "
                                 "questionnaire"),
    "config-quota-unknown-value": ("{key}: '{value}' is not a {what} of the questionnaire", "{suggestion}"),
    "config-quota-target-missing": ("{key} is missing: a quota cell needs its target count", "e.g. target: 120"),
    "config-quota-cell-empty": ("{key} names neither a site nor a district", "add site: and/or district:"),
    "config-quota-cell-twice": ("{key}: the cell {cell} is listed twice", "keep one of them"),
    "config-quota-mode": ("quotas.mode must be stop or keep, not {value}",
                          "stop: a full cell takes no more answers; keep: accept them and count over the target"),
    "config-serve-wave": ("serve.wave must name a wave, not {value}", "e.g. wave: 2026Q3"),
    "config-serve-access-code-blank": ("serve.access_code is {value}, only blanks: no respondent could type it (the "
                                       "form drops the spaces around a code), so every answer would be refused",
                                       'write the code, e.g. access_code: "2468", or remove the key for no code'),
    "config-serve-access-code-long": ("serve.access_code has {count} characters, more than the {most} the form's code "
                                      "box takes: no respondent could type it, so every answer would be refused",
                                      "use a shorter code, e.g. access_code: \"2468\""),
    "serve-access-code-long": ("--access-code '{value}' has {count} characters, more than the {most} the form's code "
                               "box takes: no respondent could type it, so every answer would be refused",
                               "give a shorter code, e.g. --access-code 2468"),
    "config-serve-body-too-small": ("serve.max_body_kb: {value} KB is too small for one questionnaire",
                                    "use at least 8 (the default is 256)"),
    "config-empty": ("the project settings file is empty", "restore the minyi.yaml that survey init wrote (at least the line questionnaire: questionnaire.yaml); docs/project-config.md lists every key"),
    "strict-import": ("--strict: {count} problem(s) in {rows} row(s); nothing was imported", "fix the file, or import without --strict to quarantine the bad rows"),
    "unknown-wave": ("the project has no wave '{wave}'", "{suggestion}"),
    "import-removed-before": ("import #{id} ({source}, wave {wave}) was removed already, at {at}; nothing was changed",
                              "survey status {project} lists the imports left and the removals"),
    "import-removal-completed": ("import #{id} ({source}, wave {wave}) was removed at {at}, but that command was "
                                 "stopped before it took wave {wave}, left without imports, out of {config}; done now",
                                 ""),
    "import-stored-config-unwritten": ("the {rows:,} accepted row(s) of {source} are stored (import #{id}, wave {wave}), but "
                                       "{config} could not be written to add wave {wave} to its waves: ({reason})",
                                       "free some disk space (or fix the file's permissions) and run the same import "
                                       "again: it adds the wave to {config} and imports no row twice"),
    "unknown-import": ("the project has no import #{id}", "{suggestion}"),
    "project-readonly": ("cannot write the project database {path}: {reason}",
                         "the folder or the file is read-only for you; check its permissions (or copy the project)"),
    "checks-readonly": ("wave {wave} has no stored quality checks for its present imports and settings, and they "
                        "are stored before any analysis (the rows the exclusion rules drop); the project database "
                        "{path} cannot be written: {reason}",
                        "run survey check {project} once where the project can be written (its owner, or a copy), "
                        "then this command works on the read-only project"),
    "project-damaged": ("cannot open the project database {path}: {reason}",
                        "the file is damaged or not a minyi database; restore it from a backup"),
    "project-damaged-read": ("cannot read the project database {path}: {reason}",
                             "part of the file is missing or overwritten, e.g. a copy cut short or a disk error; "
                             "restore it from a backup"),
    "project-store-foreign": ("{path} is a DuckDB database but not a minyi project store: it has no table {table}",
                              "restore the project's own minyi.duckdb from a backup, or make a new project with survey init"),
    "disk-full": ("cannot write {path}: {reason}", "free some disk space (or choose another disk) and run the command again"),
    "path-is-file": ("{path} is a file, not a folder", "choose a folder name (it is created when missing)"),
    "format-rows": ("{rows:,} rows do not fit one {fmt} ({limit:,} data rows under the header at most); nothing was written",
                    "{hint}"),
    "format-columns": ("{columns:,} columns do not fit one {fmt} ({limit:,} at most); nothing was written", "{hint}"),
    "format-cell-length": ("{count:,} text cell(s) are longer than {fmt} holds ({limit:,} {unit}), which would cut "
                           "them short: {cells}; nothing was written", "{hint}"),
    # --- limits and file structure -----------------------------------------------
    "limit-exceeded": ("{what}: {found}, more than the limit of {limit}",
                       "raise it with `survey --limit {name}={raised} …` or `limits: {{{name}: {raised}}}` in minyi.yaml"),
    "reader-limit": ("the {reader} stopped on this file: {why} (limit {name} = {limit}); a damaged file can claim huge sizes",
                     "if the file is sound, raise it with `survey --limit {name}={raised} …` or `limits: {{{name}: {raised}}}` in minyi.yaml"),
    "csv-unclosed-quote": ("a quoted field opened on this line is never closed (the rest of the file would be one value)",
                           "close the quote or remove the stray \" on that line"),
    "csv-absorbed-lines": ("the quoted value of column '{column}' that starts on this line runs over {lines} line(s) "
                           "that look like whole records: a quote left open here swallowed them",
                           "close the quote on line {at} or remove the stray \" there; nothing was imported"),
    "csv-ragged-row": ("cannot read this line as a row of the table: it has {found} fields, the header has {expected}",
                       "{hint}"),
    "csv-nul-byte": ("a NUL byte (character 0) in the {field} field of this line{more}: no spreadsheet or survey "
                     "program writes one, so the file is damaged here",
                     "open the file in a text editor and delete the character on that line (or export the file "
                     "again), then import again; nothing was imported"),
    "duplicate-column": ("the header '{header}' names two columns: {first} and {second}",
                         "rename or delete one of them so that each header names one column (which one holds the answers "
                         "cannot be guessed); nothing was read from this file"),
    "duplicate-columns-more": ("{count} repeated headers in all; the first {shown} are listed above",
                               "rename or delete the repeated columns; nothing was read from this file"),
    "csv-short-rows-more": ("{count} rows in all have fewer fields than the header; the first {shown} are listed above",
                            "mend them (a missing delimiter, or an answer with a line break that was not quoted) and import again"),
    "unmatched-columns": ("{count} columns match no question; first {shown}: {names}", "{suggestion}"),
    "column-collision": ("native column '{name}' of {what} is also {other}", "{hint}"),
    "second-column": ("column '{column}' is a second column for {qid} (first: '{first}'); ignored",
                      "remove one of them or map it with --mapping"),
    "part-not-imported": ("column '{column}' (part '{part}' of single-choice {qid}) not imported",
                          "the native layout keeps one code per single-choice question"),
    "other-text-dropped": ("column '{column}': {count} cell(s) carry fill-in text 〖…〗 but {qid} has no 'other' option; "
                           "the text was not imported",
                           "mark the option with other: true in the questionnaire to keep it as {qid}_other"),
    "title-mismatch": ("column '{column}' has the number of {qid} but the title of {other}; matched by title to {other}",
                       "check the questionnaire numbering"),
    "missing-options": ("{qid}: no column for option(s) {options}; left blank",
                        "export every option column, or map them with --mapping"),
    "repeated-question": ("column '{column}' repeats {qid}, which also has one column per option; the per-option "
                          "columns were used{disagreement}", "remove one of them"),
    "spss-labels": ("column '{column}': SPSS value labels do not match the options of {qid}; matched those values by code",
                    "check the value labels"),
    "labels-read": ("{target}: values read as option labels ({how}), not codes: label→code {pairs}",
                    "{why}"),
    "codes-or-labels": ("{target}: the options are labelled with numbers that are other options' codes, and every "
                        "value of this column fits both readings: read as codes: {pairs}",
                        "if the file holds labels (问卷星 按文本), map them with --mapping, e.g. values: {example}; or "
                        "give the options codes equal to their labels in the questionnaire"),
    "spss-labels-recode": ("column '{column}': its SPSS value labels give {qid}'s options other codes than the "
                           "questionnaire: {shown}; the labels were followed",
                           "if the numbers, not the labels, are right, map each label to its number with --mapping, "
                           "e.g. values: {example}"),
    "format-forced-other": ("--format {forced} reads the file as {title}, but its headers are those of {seen_title} "
                            "({why}): cells that mean something in {seen_title} (such as its marks of an empty or "
                            "skipped answer) are read as {title} reads them",
                            "import it without --format, or with --format {seen}, unless the headers mislead"),
    "scores-read-either": ("{target}: values read as scores (问卷星 按分数), as column '{evidence}' holds scores that are "
                           "no option code, although each of them is an option code too: score→code {pairs}",
                           "if this column holds codes after all, map its values to themselves with --mapping, e.g. "
                           "values: {example}; or export 按序号 or 按文本"),
    "scores-read": ("{target}: values read as scores (问卷星 按分数): score→code {pairs}",
                    "every value is an option score and some are no option code; export 按序号 or 按文本 to avoid this reading"),
    "mapping-not-mapping": ("the mapping must be a YAML mapping, not a {kind}",
                            "write columns: {{source column: question id}} and values: {{qid: {{value: code}}}}"),
    "mapping-part-not-mapping": ("mapping {part}: must be a mapping",
                                 "write columns: {{source column: question id}} and values: {{qid: {{value: code}}}}"),
    "mapping-column-not-in-file": ("mapping column '{source_column}': not a column of the data file", "{suggestion}"),
    "mapping-target-unknown": ("mapping column '{source_column}': target '{target}' is not a question id or native column",
                               "{suggestion}"),
    "mapping-values-question-unknown": ("mapping values of '{qid}': not a question id of the questionnaire", "{suggestion}"),
    "mapping-values-not-mapping": ("mapping values of '{qid}': must map the file's values to option codes",
                                   "e.g. {qid}: {{'满意': 2, '很满意': 1}}"),
    "mapping-values-yaml-bool": ("mapping values of '{qid}': a key was read by YAML as {read} (an unquoted yes, no, on, off, "
                                 "true or false), so it would match no cell of the file",
                                 "put the file's value in quotes, e.g. 'yes': {option_code}"),
    "mapping-values-code-unknown": ("mapping values of '{qid}': '{option_code}' (for '{value}') is not an option of {qid}",
                                    "use one of: {choices}"),
    # --- population files: margins (survey weight, margins:) and strata (survey plan) ---
    "margin-no-category": ("a row has a population value but no category", "fill in the category or delete the row"),
    "margin-duplicate": ("category '{category}' is listed twice: on line {first} ('{first_text}') and on this line "
                         "('{text}'); the margin would be ambiguous",
                         "list every category once (add the two rows' values up if both are right)"),
    "margin-value": ("population value {value} of '{category}' is not a non-negative number",
                     "write a count like 125000 or a share like 0.23 or 23%"),
    "margin-percent-no-sign": ("the values add up to {total} and the column's header names a share: "
                               "percentages written without %, which would be read as counts of a population of "
                               "{total}", "write them as percentages ({example}%) or shares ({share})"),
    "margin-mixed-percent": ("some values are percentages ({pct_lines}) and some are not ({plain_lines})",
                             "write every value as a count, or every value as a share/percentage"),
    "strata-duplicate": ("stratum '{name}' is listed twice (first on line {first})",
                         "list every stratum once (add the two rows' population sizes up if both are right)"),
    "margin-columns": ("{which} needs {count} columns: {what}",
                       "e.g. a header 'category,count' then one line per category"),
    "margin-file-missing": ("margin file not found: {path}", "margins paths in minyi.yaml are relative to the project folder"),
    "margin-listed-twice": ("category '{category}' is listed more than once", "one line per category"),
    "margin-not-options": ("categories not in question {qid} ({dim}): {categories}", "use the option labels: {labels}"),
    "margin-sum-zero": ("the population values sum to 0", "write counts or shares greater than 0"),
    "strata-columns": ("the strata file needs at least two columns: stratum and population size",
                       "optionally a third column sd (or p) for Neyman allocation"),
    "strata-no-name": ("a row has no stratum name", "fill it in"),
    "strata-population": ("population size {value} of stratum '{name}' is not a number >= 1",
                          "write the number of units in the stratum, e.g. 125000"),
    "strata-sd": ("sd {value} of stratum '{name}' is not a non-negative number",
                  "write the stratum's standard deviation of the main variable"),
    "strata-p": ("p {value} of stratum '{name}' is not a proportion between 0 and 1",
                 "write the stratum's anticipated proportion, e.g. 0.3"),
    "strata-neyman-column": ("Neyman allocation needs a third column: each stratum's standard deviation (sd) or "
                             "anticipated proportion (p)", "add a column sd or p, or use --allocate proportional"),
    # --- survey weight: margins against the data ---------------------------------
    "weight-column-exists": ("the data already have a column '{name}'", "choose another name with --name"),
    # one entry per kind of analysis.weighting.WeightingError / analysis.calibration.CalibrationError (their params);
    # report/datafile_weight.py (WEIGHTING_CODES, CALIBRATION_CODES) says which; located at the margins file, else the data
    "weight-missing-values": ("column '{column}' has {rows} row(s) without a category; every row needs one to be "
                              "weighted", "leave those rows out of the data first, or give them a category of the "
                              "margin of '{variable}'"),
    "weight-margin-joint-columns": ("the cross-classified margin of '{variable}' needs {count} category columns and a "
                                    "population column", "write one column per variable of '{variable}', then the "
                                    "population count or share"),
    "weight-margin-type": ("the margin of '{variable}' must be a mapping, Series or DataFrame, not a {type}",
                           "e.g. {{'男': 0.49, '女': 0.51}}, or a DataFrame of the categories and their population"),
    "weight-margin-columns": ("the margin of '{variable}' needs two columns: category and population count or share",
                              "add each category's population count or share as the second column"),
    "weight-margin-blank-category": ("the margin of '{variable}' has a row without a category",
                                     "write the category of every row, or delete the row"),
    "weight-margin-duplicate-category": ("the margin of '{variable}' lists category '{category}' more than once",
                                         "keep one row per category; add up the rows that are parts of it"),
    "weight-margin-bad-population": ("the margin of '{variable}': the population value of {categories} is not a "
                                     "non-negative number", "write a count or a share for every category, e.g. "
                                     "0.23 or 23%"),
    "weight-margin-empty": ("the margin of '{variable}' is empty",
                            "list each category with its population count or share"),
    "weight-margins-type": ("margins map each variable to its population, e.g. {{'gender': {{1: 0.49, 2: 0.51}}}}, "
                            "not a {type}", "pass a dict {{variable: margin}}"),
    "weight-no-margins": ("no margins given", "give at least one --margin COLUMN=FILE"),
    "weight-margin-not-in-sample": ("'{variable}': margin categories absent from the sample (no rows with positive "
                                    "weight): {absent}", "check the categories of the margin file against the "
                                    "data{suggestion}"),
    "weight-margin-zero-weight-category": ("'{variable}': margin categories whose rows in the data all have weight 0, "
                                           "so that none can be weighted up: {absent}",
                                           "rows of weight 0 cannot be weighted up: merge that category with another "
                                           "in the margin file and the data"),
    "weight-margin-not-in-margin": ("'{variable}': sample categories absent from the margin: {not_in_margin}",
                                    "add them to the margin file with their population count or share, or check its "
                                    "categories against the data{suggestion}"),
    "weight-margin-categories-mismatch": ("'{variable}': margin categories absent from the sample (no rows with "
                                          "positive weight): {absent}; sample categories absent from the margin: "
                                          "{not_in_margin}", "check the categories of the margin file against the "
                                          "data{suggestion}"),
    "weight-zero-population-with-rows": ("'{variable}': categories with population 0 but sample rows: {categories}",
                                         "give those categories their population in the margin file, or leave "
                                         "their rows out of the data"),
    "weight-margin-shares-sum": ("'{variable}': the shares add up to {sum:.4g}, not 1",
                                 "correct the shares so that they add up to 1, or 100%; tables rounded within 0.5% "
                                 "are accepted"),
    "weight-population-total": ("--population-total must be a positive number, not {population_total}",
                                "see --help"),
    "weight-margin-totals-differ": ("margins describe different population totals: {totals}; raking needs margins "
                                    "that add up to the same total (write percentages with a % sign, e.g. 51.2%, or "
                                    "as shares, e.g. 0.512)", "give every margin the same total, or all of them as "
                                    "shares"),
    "weight-margin-totals-population": ("the margins given as counts describe population totals other than "
                                        "--population-total {population_total:,.10g}: {totals}",
                                        "leave out --population-total, or give the margins as shares or percentages, "
                                        "e.g. 0.512 or 51.2%"),
    "weight-trim-bounds": ("trim_weights needs 0 < upper and lower < upper (weights are trimmed into [lower, upper]), "
                           "not upper={upper!r}, lower={lower!r}", "give an upper bound above 0 and a lower bound "
                           "below it"),
    "weight-cap": ("--cap must be a number greater than 1 (a maximum ratio of a weight to the mean), not {cap}",
                   "see --help"),
    "weight-maxit": ("--maxit must be at least 1, not {maxit}", "see --help"),
    "weight-poststratify-margins": ("post-stratification uses one margin, not {count}",
                                    "use --method rake for several margins, or one COL1+COL2=FILE margin of "
                                    "cross-classified cells"),
    "weight-unknown-method": ("unknown weighting method '{method}'; use rake or poststratify", "see --help"),
    "calibration-missing-values": ("'{variable}' has {rows} row(s) without a category; every row needs one to be "
                                   "calibrated", "leave those rows out of the data first, or give them a category"),
    "calibration-category-without-total": ("'{variable}': sample categories without a population total: "
                                           "{categories}", "add those categories to the margin file with their "
                                           "population"),
    "calibration-category-not-in-sample": ("'{variable}': population categories absent from the sample: {categories}",
                                           "leave them out of the margin file, or merge them with a category the "
                                           "sample has"),
    "calibration-category-totals": ("'{variable}': the category totals add up to {total:,.10g}, not the population "
                                    "size {population:,.10g}", "give every margin the same total, or all of them "
                                    "as shares"),
    "calibration-non-numeric": ("column '{variable}' has missing or non-numeric values; every row needs a number to "
                                "be calibrated to its total", "give every row a number in '{variable}', or leave out "
                                "--total {variable}=…"),
    "calibration-no-totals": ("no calibration totals given",
                              "give at least one --margin COLUMN=FILE or --total COLUMN=NUMBER"),
    "calibration-unknown-function": ("unknown calibration function '{calfun}'; choose one of: {choices}",
                                     "see --help"),
    "calibration-logit-bounds": ("logit calibration needs finite bounds L,U with L < 1 < U, not {bounds}",
                                 "give --bounds L,U, e.g. --bounds 0.5,2"),
    "calibration-collinear": ("the calibration variables are collinear in the sample (a category or variable is a "
                              "combination of others)", "leave out a --margin or --total that the others imply, or "
                              "merge categories"),
    "calibration-no-convergence": ("calibration did not converge in {maxit} iterations (largest relative misfit "
                                   "{misfit:.3g})", "widen --bounds, or check the margins and --total"),
    "calibration-breakdown": ("calibration did not converge in {maxit} iterations: the iteration broke down (NaN), as "
                              "when the totals cannot be met with weights within the bounds",
                              "widen --bounds, or check the margins and --total"),
    # the same problems of the margins minyi.yaml declares (report/project.py, PROJECT_WEIGHTING_CODES): named with
    # the wave and located at the margins file (the data are the wave's responses, the categories option labels)
    "weight-project-no-column": ("weighting wave '{wave}': the responses have no column '{qid}' for the margin of "
                                 "{dimension}", "check the question of {dimension} in the questionnaire's "
                                 "sample composition"),
    "weight-project-missing-values": ("weighting wave '{wave}': {rows} response(s) have no answer to {variable}; "
                                      "every response needs one to be weighted", "make the question required, or "
                                      "leave its margin out of minyi.yaml margins"),
    "weight-project-not-in-sample": ("weighting wave '{wave}': {variable}: margin categories absent from the sample "
                                     "(no responses with positive weight): {absent}",
                                     "a category without responses in the wave cannot be weighted up: merge it with "
                                     "another in the margins file and the questionnaire's options, or leave this "
                                     "margin out of minyi.yaml margins"),
    "weight-project-not-in-margin": ("weighting wave '{wave}': {variable}: sample categories absent from the margin: "
                                     "{not_in_margin}", "add those options to the margins file with their population "
                                     "count or share"),
    "weight-project-categories-mismatch": ("weighting wave '{wave}': {variable}: margin categories absent from the "
                                           "sample (no responses with positive weight): {absent}; sample categories "
                                           "absent from the margin: {not_in_margin}",
                                           "check the margin's categories against the questionnaire's options"),
    "weight-project-zero-population": ("weighting wave '{wave}': {variable}: categories with population 0 but "
                                       "responses: {categories}", "give those options their population in the "
                                       "margins file"),
    "weight-project-poststratify-margins": ("weighting wave '{wave}': post-stratification uses one margin, not "
                                            "{count}", "write weighting: {{method: rake}} in minyi.yaml for several "
                                            "margins, or keep one margin"),
    # --- evaluation framework and external scores (survey score) -----------------
    "framework-weight": ("{where}: weight must be a positive number, not {value}",
                         "give every aspect, indicator and item a weight > 0 (points or shares; siblings are normalised)"),
    "framework-max": ("{where}: max, the full marks of its external column, must be a positive number, not {value}",
                      "write the column's full marks, e.g. max: 10 for scores out of 10, or remove max for 100"),
    "framework-source": ("item {item} needs exactly one source: survey or external",
                         "write survey: <indicator id> (a survey estimate) or external: <column name> (a score from the spreadsheet)"),
    "framework-measure": ("item {item}: {measure} does not apply to {ref} ({reason})", "use {choices}"),
    "framework-empty": ("{where} has no {what}", "add at least one, or remove the empty list"),
    "theme-no-keywords": ("theme {id} has no keywords, so no answer can belong to it",
                          "list the words that mark it, e.g. keywords: [停车, 拥堵], or remove the theme"),
    "external-no-district": ("the scores file has no district column (区县, 地区 or district); its columns: {columns}",
                             "name the column of district names 区县"),
    "external-column": ("no column '{column}' for item {item}", "{suggestion}"),
    "external-district": ("'{value}' is not a district of the questionnaire", "use one of: {choices}"),
    "external-wave": ("'{value}' is not a wave of the project", "{suggestion}"),
    "external-duplicate": ("{district} appears again (first on row {first})", "keep one row per district (and wave)"),
    "external-value": ("'{value}' is not a score from 0 to {max}", "enter a number from 0 to {max}, or leave the cell empty when it is missing"),
    "external-value-share": ("'{value}' would be {value} points of {max}: a share ({pct}%) written as a fraction?",
                             "write the score in points from 0 to {max} ({points} for {pct}% of full marks), or "
                             "'{value}分' when it really is {value} points; nothing was scored"),
    # --- rectification ledger (survey ledger --update) ----------------------------
    "ledger-sheet": ("{path} has no ledger sheet (no header row with 编号)", "update with the spreadsheet written by survey ledger --out"),
    "ledger-unknown-id": ("no ledger item '{value}'",
                          "keep the 编号 as survey ledger wrote them; items come from the data, not from new rows"),
    "ledger-id-spelling": ("'{value}' is item {id} written another way (case, full-width characters, dashes or "
                           "leading zeros)", "write {id} as survey ledger wrote it; nothing was stored"),
    "ledger-duplicate-id": ("item {value} appears again (first on row {first})", "keep one row per item"),
    "ledger-status": ("status '{value}' is not one of {choices}", "write one of: {choices}"),
    "ledger-verified": ("已验证 is set by the verification on the next wave's data, not by hand",
                        "write 已整改 when the work is done; survey ledger on the next wave verifies it"),
    "ledger-date": ("'{value}' is not a date", "write the deadline as 2026-09-30 (or an Excel date), or leave it empty"),
    "ledger-date-implausible": ("the cell holds {value}, which reads as the date {date}, outside the years {first}–{last} "
                                "a deadline falls in (a number typed into the date cell? Excel counts dates in days "
                                "from 1900)",
                                "write the deadline as a date, e.g. 2026-09-30, or leave it empty; nothing was stored"),
    "ledger-file-csv": ("{path} is a CSV (text) copy of the ledger, not the Excel workbook survey ledger writes: it has "
                        "lost the yellow columns' drop-down, the dates as dates and the record of what the file was "
                        "written with", "enter the edits in the .xlsx written by survey ledger --out, or open this "
                        "file in Excel or WPS and save it as an Excel workbook (.xlsx), then run --update with that "
                        "file; nothing was stored"),
    "ledger-file-xls": ("{path} is an Excel 97–2003 workbook (.xls), not the .xlsx workbook survey ledger writes",
                        "open it in Excel or WPS and save it as an Excel workbook (.xlsx), then run --update with that "
                        "file; nothing was stored"),
    "ledger-cell-error": ("the cell shows the Excel error {value} (its formula {formula} failed), which would be stored "
                          "as the text '{value}'", "type the text itself (a leading = makes it a formula: write "
                          "市公安局, not =市公安局), or clear the cell; nothing was stored"),
    "ledger-cell-formula": ("the cell holds the formula {formula} with no value computed (the file was saved by a "
                            "program that does not calculate formulas), so it reads as empty and would clear the field",
                            "open the file in Excel or WPS and save it again, or type the value itself; nothing was "
                            "stored"),
    "ledger-row-no-id": ("the row has no 编号 but its yellow cells hold {cells}: they belong to no item and would be lost",
                         "{likely}, or clear the row's yellow cells if it is no item; nothing was stored"),
    "ledger-columns": ("the header row has no column {missing}, so its edits would be lost; headers found: {found}",
                       "give the yellow columns back the names survey ledger wrote (责任单位、整改时限、状态、整改措施、备注) "
                       "and run --update again. {suggestion}"),
    "ledger-merged-across": ("cells {range} are merged across the columns {columns}",
                             "unmerge them: every row needs its own 编号 and its own yellow cells"),
    "ledger-merged-id": ("cells {range} of the 编号 column are merged: rows {rows} share one 编号",
                         "unmerge them and give every row its own 编号; if they are lost, write a fresh ledger with --out"),
    "ledger-row-mismatch": ("item {id}: the row shows {shown}, but the project store has {stored}",
                            "columns were sorted apart (sort whole rows only) or the file is another project's "
                            "ledger; nothing was stored: write a fresh ledger with --out and enter the edits there"),
    "ledger-verified-change": ("the item is 已验证 (the data confirmed the fix); '{value}' cannot replace it by hand",
                               "leave 已验证 as it is; a problem that returns is raised again by the data as a new item"),
    "ledger-conflict": ("'{value}' was entered in a copy written when the field was '{was}', but the "
                        "project store has '{now}' since", "this copy is older than the store; nothing was stored: write "
                        "a fresh ledger with --out and enter the edit there, or put the cell back as it was"),
    "ledger-older": ("{count} cell(s) left as written differ from the project store, which changed since this copy "
                     "was written; kept as stored: {cells}", "the copy is older than the store; write a fresh one with --out"),
    "ledger-verified-kept": ("{count} status cell(s) differ from 已验证, which only the data set; kept 已验证: {cells}",
                             "the file is probably an older copy; write a fresh ledger with --out"),
    "ledger-legacy": ("the file does not record what it was written with (an earlier minyi wrote it): every cell was "
                      "taken as an edit, so an older copy undoes newer edits",
                      "write a fresh ledger with survey ledger DIR --out and edit that one"),
    "ledger-out-edits": ("{path} holds {count} edit(s) not in the project store ({cells}); nothing was written",
                         "store them first with: survey ledger {project} --update {path}, or write to another --out"),
    "demo-ledger-work": ("{folder} holds the analysts' ledger work ({what}): survey demo rebuilds the folder from "
                         "scratch and would discard it; nothing was changed",
                         "run the demo with another --out, or move {folder} away first"),
    "ledger-out-unreadable": ("{path} exists and cannot be read as a ledger ({reason}); it was not overwritten",
                              "write to another --out, or move the file away"),
    "ledger-out-suffix": ("--out {path}: the ledger is an Excel workbook, its name must end in .xlsx",
                          "e.g. --out ledger.xlsx"),
    "ledger-earlier-wave": ("the ledger already holds wave {later}, which comes after {wave}: running {wave} now would "
                            "add duplicate items and rewind their verifications; nothing was changed",
                            "run survey ledger for {later} or a later wave"),
    "ledger-wave-gone": ("the ledger holds results of wave '{gone}', which the project no longer has (import removed?), "
                         "so it cannot tell whether {wave} comes before it; nothing was changed",
                         "import {gone} again, then run survey ledger for the latest wave"),
    "ledger-rows-shifted": ("the yellow cells of {ids} were exchanged between their rows: each now holds what another "
                            "of them was written with (only some columns sorted?)",
                            "sort whole rows only; nothing was stored: undo the sort, or write a fresh ledger with --out"),
    "ledger-legacy-older": ("the file shows {count} item(s) as last checked {shown}, but the project store has a later "
                            "check ({stored}): the file is older than the store and, written by an earlier minyi, does not "
                            "record what it was written with, so its old cells cannot be told from edits; nothing was stored",
                            "write a fresh ledger with --out and enter the edits there"),
    # --- XLSForm conversion ------------------------------------------------------
    "xlsform-condition-unconvertible": ("the condition of {qid} ('{when}') cannot be written as XPath: {error}",
                                        "simplify the condition"),
    "xlsform-not-xlsform": ("not a valid XLSForm: {pyxform_message}", "check the survey and choices sheets"),
    "xlsform-no-usable-question": ("the form has no question minyi can use",
                                   "add select_one / select_multiple / integer / text questions to the survey sheet"),
    "xlsform-converted-invalid": ("the converted questionnaire is not valid", "see the problems below"),
    "xlsform-later-question": ("on sheet survey, the relevant of {what} '{name}' ({relevant}) refers to {ref} "
                               "({ref_where}), which {when}",
                               "minyi asks a question only on answers given before it: move {ref} above '{name}', "
                               "or change the relevant"),
    "xlsform-invalid": ("{where}: {reason}", "{hint}"),
    # survey convert --to xlsform: pyxform refuses the form minyi wrote (survey.xlsform.write_checked)
    "xlsform-rejected": ("pyxform rejects the XLSForm made of this questionnaire, so {target} was not written (a file "
                         "already there is left as it was): {pyxform}",
                         "please report this as a bug in minyi's XLSForm export, with the questionnaire"),
    "convert-wrong-input": ("--to {to} reads {wanted}, but this file is {found}",
                            "to convert it the other way use --to {other}"),
    # --- report -------------------------------------------------------------------
    "pdf-library": ("PDF output needs the system library {library}, which cannot be loaded",
                    "install it with: apt-get install {package} (Debian/Ubuntu), or leave pdf out of --format"),
    "template-missing": ("no report template {name} in {path}",
                         "copy report_templates/{name} from minyi into that folder and edit the copy"),
    "template-error": ("report template {name}: {reason}", "fix the template; see docs/report-data.md for its variables"),
    "template-dir-empty": ("no report template in {path}: neither {lang_name} nor {name}",
                           "copy report_templates/{name} from minyi into that folder and edit the copy; name it "
                           "{lang_name} to use it for that language only"),
    # --- collecting answers (survey serve, survey links) ---------------------------
    "text-too-long": ("{qid}: the answer is {count} characters long, at most {max} allowed", "shorten the answer"),
    "not-an-integer": ("value '{value}' of {qid} is not a whole number", "enter a whole number"),
    "not-text": ("{qid}: the answer must be one text, not {kind}", "send the answer as one string"),
    "other-not-chosen": ("{qid}: 'please specify' text given but no 'other' option chosen",
                         "choose the 'other' option, or leave its text empty"),
    "other-text-missing": ("{qid}: the option '{label}' is chosen but its 'please specify' text {column} is empty",
                           "write what '{label}' means in {column}, or choose another option"),
    "serve-unknown-fields": ("answer {uuid} has {count} field(s) the questionnaire does not have: {fields}",
                             "it was filled in on a page of another questionnaire version; the answers to the "
                             "questions this questionnaire has are stored, these fields are kept in the journal "
                             "(serve-journal.sqlite, column notes) and listed on the dashboard"),
    "serve-form-not-utf8": ("an answer of the plain form (POST /submit) was refused: the text of its field {field} is "
                            "not UTF-8",
                            "the form's page sends UTF-8; a client posting by hand must send its text as UTF-8 (e.g. "
                            "curl --data-urlencode), never another encoding such as GBK"),
    "serve-multipart-not-utf8": ("an answer of the plain form (POST /submit, multipart) was refused: its body is not "
                                 "UTF-8 from byte {at} on",
                                 "the form's page sends UTF-8 text only; a client posting by hand must send its "
                                 "fields as UTF-8 text, never another encoding such as GBK, nor files"),
    "serve-link-collector-invisible": ("a link's collector id '{value}' holds the invisible character(s) {chars}: "
                                       "its form and its answers are refused",
                                       "the link was signed before such ids were refused; make the collector a new "
                                       "link with letters, digits or Chinese characters only, e.g. survey links "
                                       "--collector V001"),
    "wave-unknown": ("answer filled in for wave '{wave}', which is not a wave of this project",
                     "add the wave to waves: in minyi.yaml, or serve it with --wave {wave}"),
    "serve-address": ("cannot serve on {host}:{port}: {reason}", "choose another --port (or --host), or stop the program using it"),
    "serve-busy": ("{path} is already being served by another `survey serve`",
                   "stop the other server first; one server per project keeps every answer stored once"),
    "serve-journal": ("cannot open the answer journal {path}: {reason}",
                      "check that the project folder is writable and not on a read-only or network disk"),
    "serve-wave-dates": ("answers collected today ({today}) go into wave {wave} ({label}), which waves: of minyi.yaml "
                         "dates {period}",
                         "if this is a new round, add it to waves: (with its dates) and serve it with --wave, "
                         "or set serve.wave"),
    "plan-quota-strata": ("stratum name(s) {strata} of the strata file are no {what} of the questionnaire: "
                          "--quotas needs every stratum to name one, so no quotas were written",
                          "{suggestion}"),
    "links-base-url": ("--base-url must be an http:// or https:// address, not '{value}'",
                       "give the address respondents will open, e.g. --base-url https://survey.example.gov.cn"),
    "links-base-url-host": ("--base-url '{value}' names no host: the QR codes would open nothing",
                            "give the whole address respondents will open, e.g. --base-url https://survey.example.gov.cn"),
    "links-base-url-query": ("--base-url '{value}' ends in '{part}': each link adds its own ?s=…&k=… after the "
                             "address, so the site, district and collector of the link could not be read",
                             "give the address without ? or #, e.g. --base-url https://survey.example.gov.cn/survey"),
    "links-choice": ("--{option} '{value}' is not one of the questionnaire's {what}", "use one of: {choices}"),
    "links-no-question": ("--{option}: the questionnaire has no {option} question",
                          "leave out --{option}, or set site_question/district_question in the questionnaire"),
    "links-collector-space": ("--collector '{value}': a collector id has no spaces",
                              "separate several ids with commas: --collector V001,V002"),
    "links-collector-chars": ("--collector '{value}': use letters, digits or Chinese characters "
                              "(at most 40, no & = # ? / < > quotes)", "e.g. --collector V001 or --collector 李四"),
    "links-collector-invisible": ("--collector '{value}': holds the invisible character(s) {chars}, which show the id "
                                  "reversed or not at all on the sheet and the dashboard",
                                  "type the id again with letters, digits or Chinese characters only, e.g. --collector V001"),
    "links-too-many": ("{n} collectors for one QR sheet from the dashboard; at most {max} per sheet",
                       "make several sheets of at most {max} collectors each, or run `survey links` (no limit)"),
    "links-local-url": ("--base-url {value} names this machine only: phones scanning these QR codes cannot open it",
                        "give the address respondents' phones reach, e.g. --base-url https://survey.example.gov.cn"),
    "wave-id-dates": ("waves: {wave} is dated {start} to {end}, outside {period} that its id names (shown as {label})",
                      "the cover and 调查概况 print both: correct start:/end: of waves.{wave} in minyi.yaml, or, when the "
                      "dates are right, give the wave a label: that names them"),
    "wave-order-undated": ("not every wave has a start: date in waves: of minyi.yaml, so trend, score, ledger and "
                           "brief take the waves in the order of their first import ({imported}), not the order of "
                           "their names ({named}); the newest is taken to be {newest}",
                           "give every wave the first day of its fieldwork, e.g. waves: {{{example}: {{start: "
                           "YYYY-MM-DD}}}}; or name the wave with --wave where the command has it"),
    # --- wave names (fix-hygiene): the keys of waves: in minyi.yaml by the rule of --wave (survey.waves) ----------
    "waves-key-invisible": ("waves: key '{wave}' holds the control or invisible character(s) {chars} (a line break, "
                            "a tab, or a character that shows text reversed or not at all): a wave that no listing, "
                            "report or --wave shows or names as it was typed",
                            "type the key again in minyi.yaml with letters, digits or Chinese characters only, e.g. "
                            "2026Q1:"),
    # --- option values no row holds (fix-fuzz): survey estimate / crosstab accept a number absent from a column of
    # numbers (a code nobody chose), and said nothing: --level 4 on a 1/2/3/5 column printed 0.0% without a word --
    "level-value-absent": ("--level '{value}': no valid row of column '{column}' holds this value, so the share counts "
                           "no row; the column's values are {values}",
                           "if {value} is a code nobody chose, 0 is right; otherwise {suggestion}"),
    "missing-value-absent": ("--missing '{value}': no row of column {columns} holds this value, so it leaves no row "
                             "out of the base; the values there are {values}",
                             "if {value} is a code nobody chose, nothing is lost; otherwise {suggestion}"),
    "score-value-absent": ("--score '{value}={score}': no valid row of column '{column}' holds the value '{value}', "
                           "so this score is given to no row; the column's values are {values}",
                           "if {value} is a code nobody chose, the mean is right; otherwise {suggestion}"),
    "score-option-not-finite": ("--score '{text}': {number} is not a finite number, and the rows of '{value}' would "
                                "silently leave the base (nan) or make the mean infinite",
                                "give the value a finite score, e.g. --score {value}=5; to leave its rows out of the "
                                "base, use --missing {value}"),
    "score-option-same-value": ("--score '{first}' and --score '{second}' give one value ({value}) written two ways, "
                                "with scores {a} and {b}: the later would silently replace the earlier",
                                "give each value of the column one --score"),
    # --- design options the design does not use (fix-fuzz): each was silently ignored -------------------------
    "repweights-option-alone": ("{option} describes the replicate-weight columns that --repweights names, and this "
                                "command has no --repweights: it would be silently ignored",
                                "give --repweights COLUMNS, or leave out {option}; to make replicate weights from the "
                                "design, use --replicates (auto, JK1, JKn, BRR, Fay or bootstrap)"),
    "rho-not-fay": ("--rho {rho} is Fay's coefficient, used only by Fay replicates (--rep-type Fay with --repweights, "
                    "or --replicates Fay): here it would be silently ignored",
                    "leave out --rho, or use Fay replicates"),
    "mse-without-replicates": ("--mse centres the replicate variances on the full-sample estimate, and this design "
                               "has no replicates (--repweights or --replicates): it would be silently ignored",
                               "leave out --mse, or give --repweights or --replicates"),
    "bootstrap-option-alone": ("{option} is for the bootstrap replicates of --replicates bootstrap, and this command "
                               "asks for {asked}: it would be silently ignored",
                               "leave out {option}, or use --replicates bootstrap"),
    "design-option-empty-name": ("{option} '{value}' holds an empty column name (a comma with nothing beside it), "
                                 "which would silently drop a stage of the design", "give one column name per stage, separated by "
                                 "commas"),
    # --- survey weight's options (fix-fuzz) -------------------------------------------------------------------
    "weight-total-not-finite": ("--total '{text}': {number} is not a finite number; every calibrated weight would "
                                "be NaN, and the file would be written with an empty weight column",
                                "give the population total of {column} as a number, e.g. --total {column}=125000"),
    "weight-total-twice": ("--total gives column '{column}' twice ({first} and {second}): the later would silently "
                           "replace the earlier", "give each column's population total once"),
    "weight-name-blank": ("--name '{name}' ({what}) cannot name the new weight column: no --weight could name it "
                          "back", "give a name of letters, digits or Chinese characters, e.g. --name weight_cal"),
    "weight-option-not-rake": ("{option} is the stopping rule of raking (--method rake, R rake control=), and this "
                               "command asks for --method {method}: it would be silently ignored",
                               "leave out {option}, or use --method rake"),
    # --- survey plan's options (fix-fuzz) ---------------------------------------------------------------------
    "plan-strata-option-alone": ("{option} allocates the sample across the strata of --strata, and this command has "
                                 "no --strata: it would be silently ignored",
                                 "give --strata FILE (stratum, population size), or leave out {option}"),
    "plan-population-strata-differ": ("--population {population} differs from the total population of the strata "
                                      "in {file} ({total}): the finite population correction would use one and the "
                                      "allocation the other", "leave out --population (the strata's total is "
                                      "used), or correct the strata file"),
    # --- a list option given with nothing in it (fix-fuzz): --by "" (an unset shell variable) silently dropped the
    # grouping, --indicators "" followed every indicator, --collector "" wrote one link without a collector ----------
    "by-names-nothing": ("--by '{value}' names no grouping: the groups (by default site and district) would be "
                         "silently left out", "give groupings, e.g. --by site,district, or leave out --by"),
    "indicators-name-nothing": ("--indicators '{value}' names no indicator: every indicator would be followed without "
                                "a word", "give indicator or area ids, e.g. --indicators sat_env,support, or leave "
                                "out --indicators to follow them all"),
    "links-collector-empty": ("--collector '{value}' names no collector: one link without a collector would be "
                              "written without a word", "give collector ids, e.g. --collector V001,V002, or leave out "
                              "--collector for one link without a collector"),
    "by-column-empty": ("the --by column '{column}' is empty in every row ({rows} rows): there is no category to "
                        "estimate for, and no record would be printed", "check the column: --by names the column "
                        "whose categories get a record each; leave out --by for the whole sample"),
    # --- a command line's option values, said by cli/ before any work (usage errors, exit 2) ----------------------
    "option-not-a-choice": ("{option} '{value}' is not one of: {choices}", "e.g. {option} {first}"),
    "option-form": ("{option} needs {form}, not '{text}'", "e.g. {option} {example}"),
    "option-not-a-number": ("{option} '{text}': '{number}' is not a number", "e.g. {option} {example}"),
    "option-not-numbers": ("{option} must be numbers separated by commas, not '{value}'", "e.g. {option} {example}"),
    "engine-url-not-spark": ("{data} is a URL: only --engine spark reads it",
                             "give --engine spark, or a project folder or Parquet folder on this machine"),
    "estimate-modes-several": ("{given} ask for different statistics, and survey estimate gives one at a time",
                               "use one of {modes}, not several"),
    "estimate-level-and-score": ("--level and --score are both given: --level asks for the share of rows with a "
                                 "value, --score for the mean of scores given to values",
                                 "use either --level or --score, not both"),
    "estimate-missing-and-counted": ("'{value}' is given both as --missing and as --{counted}: a value either leaves "
                                     "the base or counts in it", "leave '{value}' out of one of them"),
    "estimate-no-variable": ("no column to estimate", "give --var COLUMN (or --ratio NUM/DEN)"),
    "estimate-ci-wald-only": ("{what} has the Wald interval (estimate ± t·se, R confint); --ci {ci} applies to shares "
                              "(--level) and quantiles", "leave out --ci, or give --ci wald"),
    "score-option-twice": ("--score gives '{value}' twice ({first} and {second}): the later would silently replace "
                           "the earlier", "give each value of the column one --score"),
    "weight-bounds-order": ("--bounds {text}: L,U needs L < 1 < U (each new weight between L and U times its old "
                            "weight)", "e.g. --bounds 0.5,2"),
    "weight-option-not-calibration": ("{option} is for --method linear or logit, and this command asks for --method "
                                      "{method}: it would be silently ignored",
                                      "leave out {option}, or use --method linear or logit"),
    "weight-logit-no-bounds": ("--method logit needs --bounds L,U with L < 1 < U: logit calibration keeps each new "
                               "weight between L and U times its old weight", "e.g. --method logit --bounds 0.5,2"),
    "weight-partial-not-poststratify": ("--partial is for --method poststratify, and this command asks for --method "
                                        "{method}: it would be silently ignored",
                                        "leave out --partial, or use --method poststratify"),
    "weight-cap-calibration": ("--cap is for --method rake or poststratify (trimming, R trimWeights), and this command "
                               "asks for --method {method}", "bound the weights with --bounds L,U instead (R calibrate "
                               "bounds=: each new weight between L and U times its old weight)"),
    "weight-no-margin": ("no margin or total to weight to", "give at least one --margin COLUMN=FILE (or --total "
                         "COLUMN=NUMBER for --method linear/logit)"),
    "weight-margin-twice": ("--margin {column}= is given twice", "give each column's margin file once"),
    "weight-out-is-input": ("--out {out} is the data file itself: weighting would replace it by the weighted copy "
                            "(another sheet, formatting and formulas of a workbook lost with it)",
                            "name another file, e.g. --out {example}"),
    "plan-quotas-no-strata": ("--quotas needs --strata (one quota cell per stratum)",
                              "give --strata FILE (stratum, population size), or leave out --quotas"),
    "trend-unexpected-arguments": ("unexpected argument(s) {args}", "to follow indicators, write --indicators {args}"),
    "ledger-update-and-wave": ("--update stores edits to the ledger, and --wave adds a wave's problems to it: one "
                               "command does one", "run survey ledger DIR --update FILE, then survey ledger DIR "
                               "--wave W"),
    # the cells a data file given to estimate, crosstab or weight holds but that are read as empty
    "data-trailing-empty-rows": ("{count} empty row(s) at the end of the file ({lines}) left out: no cell of them holds "
                                 "anything", "nothing to do; delete them from the file to silence this note"),
    "data-formula-no-value-cells": ("{count} cell(s) hold a formula without a computed value and were read as empty "
                                    "(left out of the base): {cells}", "open the file in Excel or WPS and save it "
                                    "(that computes the formulas), then run the command again"),
    "data-merged-cells-filled": ("{count} merged cell range(s) filled down with their value, so that each row the "
                                 "range spans holds it, as Excel shows it: {ranges}",
                                 "if a merged cell is a heading over rows rather than their answer, unmerge it and "
                                 "fill those rows as they should read, then run the command again"),
    "data-sheets-not-read": ("only the first sheet was read; {count} other sheet(s) of the workbook hold rows and "
                             "are not in the estimates: {sheets}", "if the data are on another sheet, save that "
                             "sheet as its own file (or move it first) and run the command on it"),
    "data-excel-error-cells": ("{count} cell(s) hold an Excel error value (#N/A, #DIV/0! …) and were read as empty "
                               "(left out of the base): {cells}", "correct those cells (or the formulas that give "
                               "the errors) in Excel or WPS, then run the command again"),
    # --- questionnaire.yaml edited by hand (fix-fuzz) ----------------------------------------------------------
    "positive-empty": ("{where} lists no option: an indicator's share would be 0 in every wave and group (or a "
                       "question's default, its first two options, would be used without a word)",
                       "list the options that count as positive, e.g. positive: [非常满意, 满意], or leave the key out"),
    # --- survey report --compare (fix-fuzz) ---------------------------------------------------------------------
    "report-compare-same-wave": ("--compare {wave} is the reported wave itself: every change would be 0 and every "
                                 "test \"no significant change\"", "give a wave before {wave} (waves in order: {waves}), or leave out "
                                 "--compare"),
    "report-compare-later-wave": ("--compare {compare} comes after the reported wave {wave} (waves in order: {waves}): "
                                  "the report would present {compare} as the earlier wave and every change with the "
                                  "wrong sign", "report the later wave against the earlier one: --wave {compare} "
                                  "--compare {wave}"),
    # --- survey serve's options (fix-fuzz) ----------------------------------------------------------------------
    "serve-host-blank": ("--host '{value}' names no address: the server would listen on every network interface "
                         "(as 0.0.0.0), not on this machine only (the default, 127.0.0.1)",
                         "give the address, e.g. --host 127.0.0.1, or --host 0.0.0.0 to serve every network on purpose"),
    "serve-admin-token-blank": ("--admin-token '{value}' holds blanks: a token of blanks opens the admin dashboard to "
                                "anyone who guesses it, and blanks inside a token are lost when the link is copied",
                                "leave out --admin-token for a new random one, or give letters and digits"),
    "config-serve-merge-every-too-long": ("{key}: {value} seconds is more than a day (86400 s): the merge thread "
                                          "could not wait that long, and answers would never be merged into the "
                                          "project", "e.g. merge_every: 10 (seconds)"),
    "serve-access-code-blank": ("--access-code '{value}' is blank: respondents would answer without any access code, "
                                "whatever serve.access_code in minyi.yaml says", "give the code respondents type, e.g. "
                                "--access-code 2468, or leave out --access-code"),
    "quantile-given-twice": ("--quantile {first} and --quantile {second} are the same quantile: its record would be "
                             "printed twice (and twice in --json)", "give each quantile once"),
    "xlsform-text-not-xlsform": ("not an XLSForm: pyxform's text form starts with a line whose first cell is a "
                                 "sheet name (survey), and this file's first line starts with '{first}' (a data "
                                 "export?)", "survey convert reads questionnaires; answers go into a project with "
                                 "survey import DIR FILE"),
}

# The row problems (the quarantine records of `survey import`, the checks of an answer `survey serve` receives)
# in Chinese: code -> (message template, hint template), the same codes and {params} as CATALOGUE (a test
# holds them equal), so a record stored with its code and params is said in the questionnaire's language where
# that is shown (the 说明 of the .xlsx quarantine export, survey.export.quarantine_sheet).  {qid} names the
# question or column; where the record's own column is shown beside it, it is said as 本题 (render's ``shown``).
CATALOGUE_ZH: dict[str, tuple[str, str]] = {
    "blank-row": ("整行为空", "删除空行"),
    "summary-row": ("该行的受访者编号为“{value}”：是数据下方加的合计或平均行，不是受访者", "删除数据下方的合计、平均行后重新导入"),
    "repeated-header": ("该行重复了表头：是否把几次导出的文件首尾相接合成了一个？它的单元格是列名，不是回答",
                        "每次导出的文件分别导入；后一次下载如含有先前的回答，导入时会说明"),
    "formula-no-value": ("单元格 {cell} 是公式（{value}），没有计算结果，按空值读取",
                         "用 Excel 或 WPS 打开文件并保存，使公式算出结果，再重新导入"),
    "excel-error": ("单元格 {cell} 是 Excel 错误值 {value}，不是回答，按空值读取",
                    "在 Excel 或 WPS 中改正该单元格或产生错误的公式，再重新导入"),
    "unknown-option": ("“{value}”不是{qid}的选项", "可选：{choices}"),
    "out-of-range": ("{qid}填写的 {value} 超出允许范围（{min}—{max}）", "改正数值，或留空"),
    "not-a-number": ("{qid}填写的“{value}”不是数字", "请填写数字"),
    "too-many": ("{qid}选了{count}项，最多只能选{max}项", "最多保留{max}项"),
    "too-few": ("{qid}只选了{count}项，至少要选{min}项", "至少选择{min}项"),
    "exclusive": ("{qid}的“{label}”不能与其他选项同时选择", "只选“{label}”，或只选其他选项"),
    "should-skip": ("按跳题条件（{when}）{qid}应跳过，却有回答", "清除该回答，或改正前面的回答"),
    "required-missing": ("{qid}为必答题，未作答", "补填回答"),
    "rank-invalid": ("{qid}排序无效：{reason}", "名次应为 1–{k}，各用一次"),
    "choice-twice": ("{qid}的“{value}”把选项“{label}”写了两次，无法判断是否本应是另一个选项",
                     "每个选中的选项只写一次（“其他”的填写内容只写一个〖…〗）；如第二次本应是另一个选项，请改正"),
    "duplicate-row": ("受访者编号“{id}”出现了不止一次", "删除重复提交的答卷"),
    "text-too-long": ("{qid}的回答有{count}个字，最多{max}个字", "缩短回答"),
    "not-an-integer": ("{qid}填写的“{value}”不是整数", "请填写整数"),
    "not-text": ("{qid}的回答应为一段文字，而不是{kind}", "以一段文字提交回答"),
    "other-not-chosen": ("{qid}填写了“请注明”的内容，但没有选择“其他”选项", "选择“其他”选项，或清空所注明的内容"),
    "other-text-missing": ("{qid}选择了“{label}”，但其“请注明”内容 {column} 为空",
                           "在 {column} 中写明“{label}”指什么，或改选其他选项"),
}

# Fixed words a row problem's params carry (a ranking's reason, the rule a skip record quotes, the closest label of
# an unknown option): given as ``phrase(code, **params)``, said in the message's language; a list param is words
# quoted ('社区', '社会' / “社区”、“社会”).  code -> (en, zh)
PHRASES: dict[str, tuple[str, str]] = {
    "rank-outside": ("rank outside 1..k", "名次超出 1–{k}"),
    "rank-twice": ("the same rank is used twice", "同一名次用了两次"),
    "rank-too-many": ("more than {k} options ranked", "排序的选项超过{k}项"),
    "rank-whole": ("a rank must be a whole number", "名次须为整数"),
    "rank-number": ("a rank must be a number", "名次须为数字"),
    "rank-option-twice": ("the same option is ranked twice", "同一选项排了两次"),
    "rank-count": ("{n} option(s) ranked, {k} are asked for", "排了{n}项，要求排{k}项"),
    "section-sites": ("section {name} is asked only at {sites}", "“{name}”部分只在{sites}调查"),
    "section-no-site": ("section {name} is asked at no site", "“{name}”部分不在任何调查点调查"),
    "choices-closest": ("{choices} (closest: {closest})", "{choices}；最接近的是{closest}"),
    "choices-01": ("0 or 1 (selected '{label}')", "0 或 1（1 表示选了“{label}”）"),
    "kind-several": ("several answers", "多个回答"),
    "kind-bool": ("true/false", "真/假值"),
    "kind-list": ("a list", "列表"),
    "kind-object": ("an object", "对象"),
    "kind-infinite": ("a number that is not finite", "非有限数值"),
}


def phrase(code: str, /, **params: Any) -> dict[str, Any]:
    """A param of a message that is itself fixed words (:data:`PHRASES`), said in the message's language; kept as
    ``{"phrase": code, **params}`` (JSON, as a quarantine record stores its params)."""
    return {"phrase": code, **params}


# control characters (C0 but tab and line feed, DEL, C1) as a terminal would act on them: an escape sequence in a
# cell (\x1b]0;…\x07 sets the window title, \x1b[31m colours) or a carriage return (“a\rOVERWRITE” hides the start of
# the message) shown as text instead, \x1b and \r
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """``text`` with its control characters written out (``\x1b``, ``\r``), as messages show a file's values and
    names on a terminal; text without any is returned as it is."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: {"\r": "\\r"}.get(m.group(0), f"\\x{ord(m.group(0)):02x}"), text)


def invisible_characters(text: str) -> list[str]:
    """The characters of ``text`` that print as nothing or change how the text around them is shown: Unicode
    categories C* — control (Cc), format (Cf: U+202E right-to-left override, U+200F, U+200B zero width space),
    surrogate, private use, unassigned — each once, as ``U+202E``.  A collector id is "letters, digits or
    Chinese characters", and so is a wave's name: one holding these would be stored invisibly and shown reversed or
    merged (a line break in ``--wave`` splits the wave's line in minyi.yaml and every listing)."""
    out: list[str] = []
    for ch in text:
        if unicodedata.category(ch).startswith("C"):
            code = f"U+{ord(ch):04X}"
            if code not in out:
                out.append(code)
    return out


def said_value(v: Any, most: int = 60) -> str:
    """A value read from a settings file as a message shows it: Python's spelling (``'abc'``, ``2``, ``True``,
    ``{'a': 1}``), cut to ``most`` characters with "…" (a whole list of quota cells is not repeated)."""
    text = repr(v)
    return text if len(text) <= most else text[:most - 1] + "…"


def shown_plainly(text: str) -> str:
    """``text`` with its :func:`invisible_characters` written as ``<U+202E>``, so a message can show it."""
    return "".join(f"<U+{ord(ch):04X}>" if unicodedata.category(ch).startswith("C") else ch for ch in text)


def _said(v: Any, lang: str) -> Any:
    if isinstance(v, list):
        return "、".join(f"“{x}”" for x in v) if lang == "zh" else ", ".join(repr(x) for x in v)
    if isinstance(v, str):
        return visible(v)
    if isinstance(v, dict) and "phrase" in v and v["phrase"] in PHRASES:
        en, zh = PHRASES[v["phrase"]]
        p = {k: _said(x, lang) for k, x in v.items() if k != "phrase"}
        try:
            return (zh if lang == "zh" else en).format(**p)
        except (KeyError, IndexError):
            return en
    return v


def render(code: str, params: dict[str, Any], lang: str = "en", shown: Optional[dict[str, Any]] = None) -> tuple[str, str]:
    """(message, hint) of catalogue entry ``code`` with ``params`` in ``lang``: zh from :data:`CATALOGUE_ZH` where
    it has the code, else the English of :data:`CATALOGUE`.  ``shown`` overrides params as the place showing the
    message names them (``{"qid": "本题"}`` beside a column that names the question)."""
    zh = lang == "zh" and code in CATALOGUE_ZH
    msg_t, hint_t = CATALOGUE_ZH[code] if zh else CATALOGUE[code]
    p = {k: _said(v, "zh" if zh else "en") for k, v in params.items()}
    if zh:
        for k, v in p.items():  # 16, not 16.0 (the English keeps what it always said)
            if isinstance(v, float) and v.is_integer():
                p[k] = int(v)
        for k in ("min", "max"):  # an open end of a range
            if k in p and p[k] is None:
                p[k] = "不限"
        p.update(shown or {})
    try:
        msg = msg_t.format(**p)
    except (KeyError, IndexError):
        msg = msg_t
    try:
        hint = hint_t.format(**p)
    except (KeyError, IndexError):
        hint = ""
    return msg, hint


def record_message(code: str, message: str, params: Optional[str], lang: str,
                   shown: Optional[dict[str, Any]] = None) -> str:
    """The message of a stored row problem (a quarantine record: its ``code``, its English ``message`` and its
    ``params`` as JSON) in ``lang``: rendered from code and params (with the hint in brackets when the stored
    message has it), or the stored message when the record has no params (stored before they were kept), the
    code no text in ``lang``, or the params do not give the stored message back (then they are not this
    message's)."""
    import json

    if lang != "zh" or code not in CATALOGUE_ZH or not params:
        return message
    try:
        p = json.loads(params)
    except ValueError:
        return message
    if not isinstance(p, dict):
        return message
    en, en_hint = render(code, p, "en")
    if message == en:
        hinted = False
    elif en_hint and message == with_hint(en, en_hint):
        hinted = True
    else:
        return message
    msg, hint = render(code, p, lang, shown)
    return f"{msg}（{hint}）" if hinted and hint else msg


def with_hint(message: str, hint: str) -> str:
    """An English message with its hint in brackets, as a quarantine record stores it (:meth:`Problem.stored`);
    the message alone when there is no hint."""
    return f"{message} ({hint})" if hint else message


def params_json(params: dict[str, Any]) -> str:
    """A problem's params as a quarantine record stores them (JSON; numbers NumPy gives as text)."""
    import json

    return json.dumps(params, ensure_ascii=False, default=str, sort_keys=True)


@dataclass
class Problem:
    """One user-facing problem: stable code, location, what is wrong, how to fix."""

    code: str
    message: str
    hint: str = ""
    file: str | None = None
    line: int | None = None
    column: int | str | None = None
    row: int | None = None
    value: Any = None
    severity: str = "error"
    extra: dict[str, Any] = field(default_factory=dict)
    # the column as the user's file names it, when minyi's name (``column``: Q2) is not the file's own: its header
    # (2、您的性别) and, in a workbook, its Excel letter (C); the location says them (survey.labels.column_shown)
    header: str | None = None
    sheet_column: str | None = None

    @property
    def location(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(str(self.file))
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        loc = ":".join(parts)
        if self.row is not None:
            loc += f"{', ' if loc else ''}row {self.row}"
            if self.column is not None and self.line is None:
                loc += f", {self._column_shown()}"
        elif self.column is not None and self.line is None:
            loc += f"{', ' if loc else ''}{self._column_shown()}"
        return loc

    def _column_shown(self) -> str:
        from .labels import column_shown

        return column_shown(self.column, self.header, self.sheet_column, lang="en")

    def __str__(self) -> str:
        loc = visible(self.location)  # a file's name or header may hold control characters too
        return with_hint(f"{loc}: {self.severity}: {self.message}" if loc else f"{self.severity}: {self.message}",
                         self.hint)

    def stored(self, hint: bool = True) -> tuple[str, str]:
        """(message, params) as a quarantine record keeps this row problem: the message, with the hint in brackets
        when ``hint`` and there is one (an unknown option's choices), and the params as JSON, from which
        :func:`record_message` says it in another language."""
        return (with_hint(self.message, self.hint) if hint else self.message), params_json(self.extra)

    def to_dict(self) -> dict[str, Any]:
        """The problem as ``--json`` prints it: every field, null where unknown (a problem about the whole file
        has ``line``/``column`` null, not missing: a list of problems reads with one schema), and ``location``."""
        d = asdict(self)
        d.pop("extra")
        d["location"] = self.location
        return d


def problem(code: str, /, *, file: str | None = None, line: int | None = None, column: Any = None,
            row: int | None = None, value: Any = None, severity: str = "error", **params: Any) -> Problem:
    """Build a :class:`Problem` from the catalogue entry ``code``."""
    params.setdefault("suggestion", "")
    for k, v in (("value", value), ("column", column), ("row", row), ("file", file)):
        if v is not None:
            params.setdefault(k, v)
    msg, hint = render(code, params)
    return Problem(code=code, message=msg, hint=hint, file=file, line=line, column=column, row=row,
                   value=value, severity=severity, extra=params)


# catalogue entries that are a wrong command line, exit status 2 (README: "exit code 1 (2 for a wrong command
# line)"): a wrong option value, or an option the project or file cannot take (--site without a site question, a
# wave --wave names that the project lacks); every other entry is bad input or the state of the project, 1
USAGE_CODES = frozenset({
    "argument-nul", "limit-syntax", "unknown-format", "unknown-report-format", "unknown-brief-format",
    "unknown-report-lang", "unknown-style", "unknown-grouping", "unknown-indicator",
    "count-option", "format-needs-out", "export-out-kind", "export-out-format", "table-out-suffix", "data-out-suffix",
    "paper-form-suffix", "convert-default-out-is-input", "convert-out-is-input", "out-is-project-file", "convert-out-yaml",
    "convert-out-xlsform", "simulate-seed", "simulate-shift", "simulate-start", "simulate-out-is-questionnaire",
    "simulate-out-suffix", "site-no-question", "sheet-not-excel", "sheet-not-found",
    "wave-name-empty", "wave-name-spaces", "wave-name-too-long", "serve-wave-name", "unknown-wave",
    # survey links' options (the dashboard's QR sheet says the same problems in its page)
    "links-base-url", "links-base-url-host", "links-base-url-query", "links-choice", "links-no-question",
    "links-collector-space", "links-collector-chars", "links-collector-invisible", "links-collector-empty",
    "parquet-folder-no-waves",
    # survey weight's options, as the library refuses them (report/datafile_weight.py)
    "weight-cap", "weight-population-total", "weight-maxit", "weight-unknown-method", "weight-poststratify-margins",
    "calibration-unknown-function", "calibration-logit-bounds",
    # the design options and the estimation options, as the library refuses them (survey/design_messages.py)
    "design-lonely-psu-choice", "design-pps-choice", "design-ci-method-choice", "design-na-policy-choice",
    "design-df-value", "design-level", "design-statistic-choice", "design-test-choice", "design-qrule-choice",
    "design-interval-type-choice", "design-quantile-ci-method", "design-quantile-value", "design-rep-type-choice",
    "design-replicates-count", "design-family-choice", "design-league-choice", "design-ratio-columns",
    "design-quantile-of-levels", "design-no-quantiles", "design-likelihood-groups", "design-likelihood-replicates",
    "design-fpc-stages", "design-fpc-no-stages", "design-pps-needs-fpc", "design-replicates-twice",
    "design-replicate-with-strata", "design-fay-rho", "design-jkn-rscales", "design-rscales-length",
    "design-jk1-strata", "design-replicates-need-strata",
    # survey plan's options (the strata file's problems are bad input)
    "plan-margin", "plan-margin-too-small", "plan-confidence", "plan-p", "plan-deff", "plan-population",
    "plan-min-per-stratum", "plan-allocation-choice",
    # the command line's option values said by cli/ (cli._common.option_problem)
    "option-not-a-choice", "option-form", "option-not-a-number", "option-not-numbers", "engine-url-not-spark",
    "estimate-modes-several", "estimate-level-and-score", "estimate-missing-and-counted", "estimate-no-variable",
    "estimate-ci-wald-only", "score-option-twice", "weight-bounds-order", "weight-option-not-calibration",
    "weight-logit-no-bounds", "weight-partial-not-poststratify", "weight-cap-calibration", "weight-no-margin",
    "weight-margin-twice", "weight-out-is-input", "serve-access-code-long", "plan-quotas-no-strata", "trend-unexpected-arguments", "ledger-update-and-wave",
    "bootstrap-option-alone", "by-names-nothing", "design-option-empty-name", "indicators-name-nothing",
    "ledger-out-suffix", "mse-without-replicates", "plan-population-strata-differ", "plan-strata-option-alone",
    "quantile-given-twice", "report-compare-later-wave", "report-compare-same-wave", "repweights-option-alone",
    "rho-not-fay", "score-option-not-finite", "score-option-same-value", "weight-name-blank", "weight-option-not-rake",
    "weight-total-not-finite", "weight-total-twice",
})

# catalogue entries said for an option as well as for a file: a wrong command line when ``where`` names the option
OPTION_OR_FILE_CODES = ("wave-name-invisible",)


def is_usage_error(p: Problem) -> bool:
    """Whether ``p`` is a wrong command line, exit status 2 (README: "exit code 1 (2 for a wrong command line)"),
    rather than bad input in a file, exit status 1: an entry of :data:`USAGE_CODES`, or one of
    :data:`OPTION_OR_FILE_CODES` raised for an option (its ``where`` is ``--wave``; the same entry for a file's
    ``wave`` column or ``serve.wave`` in minyi.yaml is bad input)."""
    return p.code in USAGE_CODES or (p.code in OPTION_OR_FILE_CODES and str(p.extra.get("where", "")).startswith("--"))


def did_you_mean(word: str, candidates: Any, *, n: int = 3) -> str:
    """A "did you mean" hint from the closest candidates (difflib ratio)."""
    import difflib

    cands = [str(c) for c in candidates]
    close = difflib.get_close_matches(str(word), cands, n=n, cutoff=0.5)
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    if cands and len(cands) <= 12:
        return "expected one of: " + ", ".join(cands)
    return ""

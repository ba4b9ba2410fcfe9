# Golden values for minyi's evaluation scores (analysis/combine.py, analysis/score.py): a score is a
# linear combination of item domain means, each item with its own base, so its SE comes from the joint
# covariance of the item ratios (R svyratio(..., covmat = TRUE)) and svycontrast.  Run from the repository root:
#     Rscript tests/golden/r_score.R
# Reads tests/golden/r_indicators_data.csv (written by r_indicators.R: a stratified cluster sample with
# weights and four districts) and writes tests/golden/r_score_expected.csv: one row per value (combination,
# domain, quantity, value) with the R call that produced it.  CI does not run R.
#
# Items on a 0–100 scale (shared with tests/test_score.py):
#   S1i..S4i  satisfaction scores 100/80/60/40/20 of S1..S4 (codes 1..5; 9 = 不了解 and NA leave the base)
#   S1r       100 × top-two-box of S1 (codes 1, 2 among 1..5)
#   AWr       100 × (aware == 1) among answered
#   SUr       100 × (support == 1) among 1..3 (9 = 说不清 leaves the base)
# Framework (weights as points, normalised within each parent):
#   aspect A (60): A1 (2) = S1i, S2i (1 each); A2 (1) = S3i, S4i (1 each); A3 (1) = S1r
#   aspect B (30): B1 (1) = AWr; B2 (1) = SUr
#   aspect C (10): an external score (no sampling error; not part of this file)
suppressMessages(library(survey))
options(survey.lonely.psu = "fail")
d <- read.csv("tests/golden/r_indicators_data.csv")
sc <- function(x) ifelse(!is.na(x) & x %in% 1:5, c(100, 80, 60, 40, 20)[pmin(pmax(x, 1), 5)], NA)
items <- list(
  S1i = list(y = sc(d$S1), v = !is.na(d$S1) & d$S1 %in% 1:5),
  S2i = list(y = sc(d$S2), v = !is.na(d$S2) & d$S2 %in% 1:5),
  S3i = list(y = sc(d$S3), v = !is.na(d$S3) & d$S3 %in% 1:5),
  S4i = list(y = sc(d$S4), v = !is.na(d$S4) & d$S4 %in% 1:5),
  S1r = list(y = 100 * (d$S1 %in% 1:2), v = !is.na(d$S1) & d$S1 %in% 1:5),
  AWr = list(y = 100 * (d$aware %in% 1), v = !is.na(d$aware)),
  SUr = list(y = 100 * (d$support %in% 1), v = !is.na(d$support) & d$support %in% 1:3)
)
K <- names(items)
for (k in K) {
  d[[paste0("n_", k)]] <- ifelse(items[[k]]$v, items[[k]]$y, 0)
  d[[paste0("d_", k)]] <- as.numeric(items[[k]]$v)
}
coefs <- list(
  overall = c(S1i = .15, S2i = .15, S3i = .075, S4i = .075, S1r = .15, AWr = .15, SUr = .15),
  A = c(S1i = .25, S2i = .25, S3i = .125, S4i = .125, S1r = .25),
  B = c(AWr = .5, SUr = .5),
  A2 = c(S3i = .5, S4i = .5)
)
des <- svydesign(ids = ~psu, strata = ~st, weights = ~w, nest = TRUE, data = d)
num <- as.formula(paste("~", paste0("n_", K, collapse = "+")))
den <- as.formula(paste("~", paste0("d_", K, collapse = "+")))
out <- list()
put <- function(comb, domain, qty, value, call) {
  out[[length(out) + 1]] <<- data.frame(combination = comb, domain = domain, quantity = qty,
                                        value = sprintf("%.17g", value), r_call = call)
}
anyvalid <- function(cf) Reduce(`|`, lapply(names(cf), function(k) items[[k]]$v))
domains <- c("all", "1", "2", "3", "4")
for (dom in domains) {
  sub <- if (dom == "all") des else subset(des, district == as.integer(dom))
  r <- svyratio(num, den, sub, covmat = TRUE)
  for (cb in names(coefs)) {
    cf <- coefs[[cb]]
    w <- setNames(cf, paste0("n_", names(cf), "/d_", names(cf)))
    con <- svycontrast(r, w)
    keep <- anyvalid(cf) & (if (dom == "all") TRUE else d$district == as.integer(dom))
    df <- degf(subset(des, keep))
    ci <- confint(con, df = df)
    call <- sprintf("svycontrast(svyratio(n_k, d_k, %s, covmat=TRUE), coefs$%s)",
                    if (dom == "all") "des" else sprintf("subset(des, district==%s)", dom), cb)
    put(cb, dom, "estimate", coef(con), call)
    put(cb, dom, "se", SE(con), call)
    put(cb, dom, "df", df, sprintf("degf(subset(des, district==%s & any item valid))", dom))
    put(cb, dom, "ci_low", ci[1], paste0("confint(", call, ", df)"))
    put(cb, dom, "ci_high", ci[2], paste0("confint(", call, ", df)"))
  }
}
# district minus the whole sample (overlapping domains of one design): ratios of y·v·1_g and y·v jointly
for (g in 1:4) {
  ind <- as.numeric(d$district == g)
  for (k in K) {
    d[[paste0("g_", k)]] <- d[[paste0("n_", k)]] * ind
    d[[paste0("e_", k)]] <- d[[paste0("d_", k)]] * ind
  }
  des2 <- svydesign(ids = ~psu, strata = ~st, weights = ~w, nest = TRUE, data = d)
  numg <- as.formula(paste("~", paste(c(paste0("g_", K), paste0("n_", K)), collapse = "+")))
  deng <- as.formula(paste("~", paste(c(paste0("e_", K), paste0("d_", K)), collapse = "+")))
  r <- svyratio(numg, deng, des2, covmat = TRUE)
  for (cb in c("overall", "A2")) {
    cf <- coefs[[cb]]
    w <- c(setNames(cf, paste0("g_", names(cf), "/e_", names(cf))), setNames(-cf, paste0("n_", names(cf), "/d_", names(cf))))
    con <- svycontrast(r, w)
    call <- sprintf("svycontrast(svyratio(c(y·1_%d, y), c(v·1_%d, v), des, covmat=TRUE), c(coefs$%s, -coefs$%s))", g, g, cb, cb)
    put(paste0(cb, "_minus_all"), as.character(g), "estimate", coef(con), call)
    put(paste0(cb, "_minus_all"), as.character(g), "se", SE(con), call)
  }
}
write.csv(do.call(rbind, out), "tests/golden/r_score_expected.csv", row.names = FALSE)

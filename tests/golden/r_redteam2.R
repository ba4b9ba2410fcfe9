# Golden values for the statistics red team, round 2 (tests/test_estimate_redteam2.py), from R's survey 4.1.1:
# * quantiles on a JKn replicate design: svyquantile (which drops interval.type for replicate designs and
#   always gives "mean") and survey:::woodruffCI with method = "xlogit"/"beta"/"asin" (what minyi's --ci gives);
# * a column with one value: svymean/svytotal/svyratio design effects (Inf, ~1e30, NaN: noise over a zero
#   SRS variance) and the total's SE;
# * an arcsine interval of a rare share (1 row of 40) that crosses 0: R reflects it (lower bound > 0, below p);
# * the same design raked, domains missing a stratum (R keeps every row of a calibrated design's domain);
# * one-PSU strata and a certainty stratum under every survey.lonely.psu option, with fpc, and domains with
#   one PSU in a stratum: mean, total, ratio, deff, degf, svyby.
# Run from the repository root:  Rscript tests/golden/r_redteam2.R
# Reads tests/golden/r_quantiles_apistrat.csv; writes tests/golden/r_redteam2_lonely.csv and
# tests/golden/r_redteam2_expected.csv. CI does not run R.
suppressMessages(library(survey))
out <- list()
add <- function(case, quantity, value, call) {
  out[[length(out) + 1]] <<- data.frame(case = case, quantity = quantity, value = sprintf("%.17g", value), r_call = call)
}

# --- quantiles on a replicate design
st <- read.csv("tests/golden/r_quantiles_apistrat.csv")
pre <- "des <- as.svrepdesign(svydesign(ids=~1, strata=~stype, weights=~pw, data=st), type='JKn'); "
des <- as.svrepdesign(svydesign(ids = ~1, strata = ~stype, weights = ~pw, data = st), type = "JKn")
for (p in c(0.25, 0.5)) {
  q <- svyquantile(~api00, des, p, interval.type = "xlogit")[[1]]
  call <- paste0(pre, "svyquantile(~api00, des, ", p, ", interval.type='xlogit')")
  add("rep_quantile", paste0("q", p, "|svyquantile_xlogit|ci_low"), q[1, 2], call)
  add("rep_quantile", paste0("q", p, "|svyquantile_xlogit|ci_high"), q[1, 3], call)
  qh <- survey:::qrule_math(st$api00, weights(des, "sampling"), p)
  add("rep_quantile", paste0("q", p, "|quantile"), qh, paste0(pre, "survey:::qrule_math(st$api00, weights(des, 'sampling'), ", p, ")"))
  for (m in c("mean", "xlogit", "beta", "asin")) {
    ci <- survey:::woodruffCI(st$api00, qh, p, des, survey:::qrule_math, 0.05, degf(des), method = m)
    call <- paste0(pre, "survey:::woodruffCI(st$api00, qhat, ", p, ", des, survey:::qrule_math, 0.05, degf(des), method='", m, "')")
    add("rep_quantile", paste0("q", p, "|", m, "|ci_low"), ci[1], call)
    add("rep_quantile", paste0("q", p, "|", m, "|ci_high"), ci[2], call)
  }
}

# --- one-PSU strata (B lonely, D a certainty stratum: fpc = its one PSU), domains with one PSU in a stratum
h <- c(rep("A", 12), rep("B", 4), rep("C", 8), rep("D", 3), rep("E", 13))
psu <- c(rep(1:3, each = 4), rep(4, 4), rep(5:6, each = 4), rep(7, 3), rep(8:10, c(4, 4, 5)))
N <- c(A = 10, B = 5, C = 6, D = 1, E = 12)[h]
i <- seq_along(h)
lon <- data.frame(h = h, psu = psu, N = unname(N), w = 1 + (i * 7) %% 5 + 0.25 * (i %% 3),
                  y = 40 + (i * 13) %% 17 + 0.5 * (i %% 4), x = 1 + (i * 5) %% 7 / 2,
                  dom = ifelse(h == "A" & psu != 1, "z", ifelse(i %% 2 == 0, "x", "z")), one = 3,
                  rare = ifelse(i == 8, "yes", "no"), g = ifelse(i %% 3 == 0, "u", "v"),
                  dom2 = ifelse(h == "E", "out", ifelse(i %% 2 == 0, "x", "z")))
write.csv(lon, "tests/golden/r_redteam2_lonely.csv", row.names = FALSE)
for (lp in c("adjust", "average", "certainty", "remove")) {
  options(survey.lonely.psu = lp)
  pre <- paste0("options(survey.lonely.psu='", lp, "'); des <- svydesign(ids=~psu, strata=~h, weights=~w, fpc=~N, data=lon); ")
  des <- svydesign(ids = ~psu, strata = ~h, weights = ~w, fpc = ~N, data = lon)
  m <- svymean(~y, des, deff = TRUE); t <- svytotal(~y, des, deff = TRUE); r <- svyratio(~y, ~x, des)
  add(lp, "mean", coef(m), paste0(pre, "svymean(~y, des, deff=TRUE)"))
  add(lp, "mean_se", SE(m), paste0(pre, "svymean(~y, des, deff=TRUE)"))
  add(lp, "mean_deff", deff(m), paste0(pre, "svymean(~y, des, deff=TRUE)"))
  add(lp, "total_se", SE(t), paste0(pre, "svytotal(~y, des, deff=TRUE)"))
  add(lp, "total_deff", deff(t), paste0(pre, "svytotal(~y, des, deff=TRUE)"))
  add(lp, "ratio", coef(r), paste0(pre, "svyratio(~y, ~x, des)"))
  add(lp, "ratio_se", SE(r), paste0(pre, "svyratio(~y, ~x, des)"))
  add(lp, "degf", degf(des), paste0(pre, "degf(des)"))
  b <- svyby(~y, ~dom, des, svymean, deff = TRUE)
  for (k in seq_len(nrow(b))) {
    lev <- b$dom[k]
    add(lp, paste0("by_", lev), b$y[k], paste0(pre, "svyby(~y, ~dom, des, svymean, deff=TRUE)"))
    add(lp, paste0("by_", lev, "_se"), b$se[k], paste0(pre, "svyby(~y, ~dom, des, svymean, deff=TRUE)"))
    add(lp, paste0("by_", lev, "_deff"), deff(b)[k], paste0(pre, "svyby(~y, ~dom, des, svymean, deff=TRUE)"))
    add(lp, paste0("by_", lev, "_degf"), degf(des[des$variables$dom == lev, ]),
        paste0(pre, "degf(subset(des, dom=='", lev, "'))"))
  }
  # raked (R keeps every row of a calibrated design's domain, so every stratum counts for "average")
  rk <- rake(des, list(~g, ~rare), list(data.frame(g = c("u", "v"), Freq = c(300, 200)),
                                        data.frame(rare = c("yes", "no"), Freq = c(10, 490))))
  call <- paste0(pre, "rk <- rake(des, list(~g, ~rare), list(data.frame(g=c('u','v'), Freq=c(300,200)), ",
                 "data.frame(rare=c('yes','no'), Freq=c(10,490)))); svyby(~y, ~dom2, rk, svymean, deff=TRUE)")
  b <- svyby(~y, ~dom2, rk, svymean, deff = TRUE)
  for (k in seq_len(nrow(b))) {
    add(paste0("raked_", lp), paste0(b$dom2[k], "|mean"), b$y[k], call)
    add(paste0("raked_", lp), paste0(b$dom2[k], "|se"), b$se[k], call)
    add(paste0("raked_", lp), paste0(b$dom2[k], "|deff"), deff(b)[k], call)
  }
  if (lp == "adjust") {
    mc <- svymean(~one, des, deff = TRUE); tc <- svytotal(~one, des, deff = TRUE)
    rc <- svyratio(~I(2 * x), ~x, des, deff = TRUE)
    add("constant", "mean_deff", deff(mc), paste0(pre, "svymean(~one, des, deff=TRUE)"))
    add("constant", "total", coef(tc), paste0(pre, "svytotal(~one, des, deff=TRUE)"))
    add("constant", "total_se", SE(tc), paste0(pre, "svytotal(~one, des, deff=TRUE)"))
    add("constant", "total_deff", deff(tc), paste0(pre, "svytotal(~one, des, deff=TRUE)"))
    add("constant", "ratio_se", SE(rc), paste0(pre, "svyratio(~I(2*x), ~x, des, deff=TRUE)"))
    add("constant", "ratio_deff", deff(rc), paste0(pre, "svyratio(~I(2*x), ~x, des, deff=TRUE)"))
    pa <- svyciprop(~I(rare == "yes"), des, method = "asin")
    call <- paste0(pre, "svyciprop(~I(rare=='yes'), des, method='asin')")
    add("asin_rare", "estimate", coef(pa), call)
    add("asin_rare", "se", SE(pa), call)
    add("asin_rare", "ci_low", attr(pa, "ci")[1], call)
    add("asin_rare", "ci_high", attr(pa, "ci")[2], call)
  }
}
res <- do.call(rbind, out)
write.csv(res, "tests/golden/r_redteam2_expected.csv", row.names = FALSE)

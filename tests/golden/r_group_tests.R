# Golden values for analysis.group_tests (each group against the rest) and for the Korn–Graubard
# interval of multiple-choice option shares, from R's survey package.  Run from the repository root:
#     Rscript tests/golden/r_group_tests.R
# Reads the committed data set tests/golden/r_indicators_data.csv (see r_indicators.R for its
# conventions) and writes tests/golden/r_group_tests_expected.csv: case, by, group, quantity, value,
# and the R call that produced it.  CI does not run R.
suppressMessages(library(survey))
options(survey.lonely.psu = "fail")
d <- read.csv("tests/golden/r_indicators_data.csv")
score <- function(x) ifelse(x %in% 1:5, c(100, 80, 60, 40, 20)[pmin(pmax(x, 1), 5)], NA)
out <- list()
put <- function(case, by, group, qty, value, call) {
  out[[length(out) + 1]] <<- data.frame(case = case, by = by, group = as.character(group), quantity = qty,
                                        value = sprintf("%.17g", value), r_call = call)
}
des <- svydesign(ids = ~psu, strata = ~st, weights = ~w, nest = TRUE, data = d)
rep <- as.svrepdesign(des, type = "JKn")

# ---- single items: svyttest(y ~ I(g == x), subset(design, valid)); Rao–Scott svychisq(~y + g)
single <- list(
  "aware:rate" = list(y = as.numeric(d$aware == 1), valid = !is.na(d$aware)),
  "support:rate" = list(y = as.numeric(d$support == 1), valid = !is.na(d$support) & d$support != 9),
  "S1:index" = list(y = score(d$S1), valid = !is.na(d$S1) & d$S1 != 9)
)
for (case in names(single)) {
  s <- single[[case]]
  dd <- d
  dd$y <- ifelse(s$valid, s$y, NA)
  for (kind in c("linear", "jkn")) {
    base <- if (kind == "linear") svydesign(ids = ~psu, strata = ~st, weights = ~w, nest = TRUE, data = dd)
            else as.svrepdesign(svydesign(ids = ~psu, strata = ~st, weights = ~w, nest = TRUE, data = dd), type = "JKn")
    sub <- subset(base, s$valid)
    cs <- if (kind == "linear") case else paste0(case, ":jkn")
    for (gv in c("site", "district")) {
      for (g in sort(unique(d[[gv]]))) {
        f <- as.formula(sprintf("y ~ I(%s == %d)", gv, g))
        tt <- svyttest(f, sub)
        call <- sprintf("svyttest(y ~ I(%s == %d), subset(des, valid))", gv, g)
        put(cs, gv, g, "difference", tt$estimate, call)
        put(cs, gv, g, "t", tt$statistic, call)
        put(cs, gv, g, "df", tt$parameter, call)
        put(cs, gv, g, "p", tt$p.value, call)
        put(cs, gv, g, "se", tt$estimate / tt$statistic, paste0(call, ": estimate / statistic"))
      }
      if (kind == "linear" && case != "S1:index") {
        ch <- svychisq(as.formula(sprintf("~y + %s", gv)), sub, statistic = "F")
        call <- sprintf("svychisq(~y + %s, subset(des, valid), statistic='F')", gv)
        put(case, gv, "", "rs_F", ch$statistic, call)
        put(case, gv, "", "rs_df1", ch$parameter[1], call)
        put(case, gv, "", "rs_df2", ch$parameter[2], call)
        put(case, gv, "", "rs_p", ch$p.value, call)
      }
    }
  }
}

# ---- an indicator of four items (S1..S4 top-two-box rates): the mean of the group's item rates
# minus the mean of the rest's, svycontrast of the joint domain totals; df = degf(valid rows) − 1
for (j in 1:4) {
  x <- d[[paste0("S", j)]]
  v <- !is.na(x) & x != 9
  d[[paste0("v", j)]] <- as.numeric(v)
  d[[paste0("h", j)]] <- ifelse(v, as.numeric(x %in% 1:2), 0)
}
any_valid <- (d$v1 + d$v2 + d$v3 + d$v4) > 0
for (gv in c("site", "district")) {
  for (g in sort(unique(d[[gv]]))) {
    dd <- d
    for (j in 1:4) {
      dd[[paste0("hD", j)]] <- dd[[paste0("h", j)]] * (dd[[gv]] == g)
      dd[[paste0("vD", j)]] <- dd[[paste0("v", j)]] * (dd[[gv]] == g)
      dd[[paste0("hC", j)]] <- dd[[paste0("h", j)]] * (dd[[gv]] != g)
      dd[[paste0("vC", j)]] <- dd[[paste0("v", j)]] * (dd[[gv]] != g)
    }
    dz <- svydesign(ids = ~psu, strata = ~st, weights = ~w, nest = TRUE, data = dd)
    tt <- svytotal(~hD1 + hD2 + hD3 + hD4 + vD1 + vD2 + vD3 + vD4 + hC1 + hC2 + hC3 + hC4 + vC1 + vC2 + vC3 + vC4, dz)
    cc <- svycontrast(tt, quote((hD1 / vD1 + hD2 / vD2 + hD3 / vD3 + hD4 / vD4) / 4 -
                                (hC1 / vC1 + hC2 / vC2 + hC3 / vC3 + hC4 / vC4) / 4))
    df <- degf(subset(dz, any_valid)) - 1
    call <- sprintf("svycontrast(svytotal(~hD1..hC4, des), mean(hD/vD) - mean(hC/vC)) for %s == %d", gv, g)
    put("sat:rate", gv, g, "difference", coef(cc), call)
    put("sat:rate", gv, g, "se", SE(cc), call)
    put("sat:rate", gv, g, "df", df, "degf(subset(des, any item valid)) - 1")
    put("sat:rate", gv, g, "p", 2 * pt(-abs(coef(cc) / SE(cc)), df), "2 * pt(-|t|, df)")
  }
}

# ---- Korn–Graubard interval of option shares (% of respondents) among those asked: svyciprop(beta)
d$mentions <- rowSums(d[, paste0("M_", 1:6)])
desM <- subset(svydesign(ids = ~psu, strata = ~st, weights = ~w, nest = TRUE, data = d), !is.na(d$mentions))
for (j in 1:6) {
  f <- as.formula(paste0("~I(M_", j, " == 1)"))
  p <- svyciprop(f, desM, method = "beta")
  call <- sprintf("svyciprop(~I(M_%d==1), subset(des, asked), method='beta')", j)
  put(paste0("M_", j, ":kg"), "", "", "estimate", coef(p), call)
  put(paste0("M_", j, ":kg"), "", "", "ci_low", attr(p, "ci")[1], call)
  put(paste0("M_", j, ":kg"), "", "", "ci_high", attr(p, "ci")[2], call)
  b <- svyby(f, ~site, desM, svyciprop, method = "beta", vartype = "ci")
  for (i in seq_len(nrow(b))) {
    call <- sprintf("svyby(~I(M_%d==1), ~site, subset(des, asked), svyciprop, method='beta')", j)
    put(paste0("M_", j, ":kg"), "site", b$site[i], "ci_low", b$ci_l[i], call)
    put(paste0("M_", j, ":kg"), "site", b$site[i], "ci_high", b$ci_u[i], call)
  }
  desM <- update(desM, mj = as.numeric(get(paste0("M_", j)) == 1))
  ch <- svychisq(~mj + site, desM, statistic = "F")
  put(paste0("M_", j, ":kg"), "site", "", "rs_p", ch$p.value, sprintf("svychisq(~I(M_%d==1) + site, subset(des, asked))", j))
}
write.csv(do.call(rbind, out), "tests/golden/r_group_tests_expected.csv", row.names = FALSE)

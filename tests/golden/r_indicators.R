# Golden values for minyi's civic indicators, multiple-choice, ranking and importance figures,
# produced by R's survey package.  Run from the repository root:
#     Rscript tests/golden/r_indicators.R
# Writes tests/golden/r_indicators_data.csv (a small stratified cluster sample with weights,
# sites and districts) and tests/golden/r_indicators_expected.csv (one row per value: case,
# by, group, quantity, value, and the R call that produced it).  CI does not run R.
#
# Conventions shared with the Python test (tests/test_indicators_r_golden.py):
#   aware   1 = 知道, 2 = 不知道                           positive {1}
#   support 1 = 支持, 2 = 一般, 3 = 不支持, 9 = 说不清       positive {1}, not applicable {9}
#   S1..S4  1 = 非常满意 … 5 = 非常不满意, 9 = 不了解       top-two-box {1,2}, scores 100/80/60/40/20
#   areas   a1 = S1, S2 (weight 0.6);  a2 = S3, S4 (weight 0.4); indicator "sat" = S1..S4
#   OV      overall satisfaction (1..5, scores as above)
#   M_1..M_6 multiple choice (0/1, NA = not asked);  R_1..R_5 ranking (1..3, NA = not ranked), k = 3
# An empty cell (NA) is "not asked/not answered" and always leaves the base; code 9 leaves the
# base under na = "exclude" and counts as not positive under na = "unsatisfied".
suppressMessages(library(survey))
options(survey.lonely.psu = "fail")
set.seed(20261125)
n_h <- c(7, 8, 9)
rows <- list()
for (h in 1:3) for (j in 1:n_h[h]) {
  m <- sample(12:22, 1)
  rows[[length(rows) + 1]] <- data.frame(st = h, psu = paste0(h, "-", j), m = m, ce = rnorm(1, 0, 0.4))
}
clus <- do.call(rbind, rows)
d <- clus[rep(seq_len(nrow(clus)), clus$m), ]
n <- nrow(d)
d$w <- round(runif(n, 1, 6), 3)
d$site <- sample(1:3, n, replace = TRUE, prob = c(0.3, 0.5, 0.2))
d$district <- sample(1:4, n, replace = TRUE)
lat <- rnorm(n) + d$ce + 0.15 * d$site
ord5 <- function(a) pmin(pmax(round(2.4 - 0.8 * lat + a + rnorm(n)), 1), 5)
d$aware <- ifelse(runif(n) < plogis(1.6 + 0.5 * lat), 1, 2)
d$support <- pmin(pmax(round(1.6 - 0.5 * lat + rnorm(n, 0, 0.8)), 1), 3)
d$support[runif(n) < 0.08] <- 9
for (j in 1:4) {
  x <- ord5(c(0, 0.3, -0.2, 0.5)[j])
  x[runif(n) < 0.07] <- 9
  x[runif(n) < 0.04] <- NA
  d[[paste0("S", j)]] <- x
}
d$OV <- ord5(0.1)
asked_m <- runif(n) < 0.9
pm <- c(0.55, 0.4, 0.35, 0.2, 0.12, 0.08)
for (j in 1:6) {
  d[[paste0("M_", j)]] <- ifelse(asked_m, as.integer(runif(n) < pm[j]), NA)
}
# ranking: top 3 of 5 with unequal popularity (Gumbel top-k)
asked_r <- runif(n) < 0.85
pop <- log(c(0.35, 0.25, 0.2, 0.12, 0.08))
g <- matrix(pop, n, 5, byrow = TRUE) - log(-log(matrix(runif(n * 5), n, 5)))
rk <- t(apply(-g, 1, rank))
rk[rk > 3] <- NA
rk[!asked_r, ] <- NA
for (j in 1:5) d[[paste0("R_", j)]] <- rk[, j]
d$ce <- NULL
d$m <- NULL
write.csv(d, "tests/golden/r_indicators_data.csv", row.names = FALSE, na = "")
d <- read.csv("tests/golden/r_indicators_data.csv")

des <- svydesign(ids = ~psu, strata = ~st, weights = ~w, nest = TRUE, data = d)
out <- list()
put <- function(case, by, group, qty, value, call) {
  out[[length(out) + 1]] <<- data.frame(case = case, by = by, group = as.character(group), quantity = qty,
                                        value = sprintf("%.17g", value), r_call = call)
}
score <- function(x) ifelse(x %in% 1:5, c(100, 80, 60, 40, 20)[pmin(pmax(x, 1), 5)], NA)
items <- list(aware = list(pos = 1, na = integer(0)), support = list(pos = 1, na = 9),
              S1 = list(pos = 1:2, na = 9), S2 = list(pos = 1:2, na = 9), S3 = list(pos = 1:2, na = 9),
              S4 = list(pos = 1:2, na = 9))
targets <- c(aware = 0.8, support = 0.7, S1 = 0.5, S2 = 0.5, S3 = 0.5, S4 = 0.5)
verdict <- function(lo, hi, t) if (lo > t) "达标" else if (hi < t) "未达标" else "无显著差异"
groupings <- c("site", "district")

# ---- item rates (svyciprop, logit) and indexes (svymean), both NA policies, overall and by group
for (it in names(items)) {
  x <- d[[it]]
  d$hit <- as.numeric(x %in% items[[it]]$pos)
  d$sc <- score(x)
  des2 <- update(des, hit = d$hit, sc = d$sc)
  for (na in c("exclude", "unsatisfied")) {
    valid <- if (na == "exclude") !is.na(x) & !(x %in% items[[it]]$na) else !is.na(x)
    dsub <- subset(des2, valid)
    p <- svyciprop(~hit, dsub, method = "logit")
    call <- sprintf("svyciprop(~I(%s %%in%% pos), subset(des, valid_%s), method='logit')", it, na)
    put(paste0(it, ":rate:", na), "", "", "estimate", coef(p), call)
    put(paste0(it, ":rate:", na), "", "", "se", SE(p), call)
    put(paste0(it, ":rate:", na), "", "", "ci_low", attr(p, "ci")[1], call)
    put(paste0(it, ":rate:", na), "", "", "ci_high", attr(p, "ci")[2], call)
    put(paste0(it, ":rate:", na), "", "", "df", degf(dsub), "degf(subset(des, valid))")
    put(paste0(it, ":rate:", na), "", "", "n", sum(valid), "sum(valid)")
    put(paste0(it, ":rate:", na), "", "", "n_na", sum(!is.na(x) & x %in% items[[it]]$na), "sum(x %in% na)")
    put(paste0(it, ":rate:", na), "", "", "verdict_code",
        match(verdict(attr(p, "ci")[1], attr(p, "ci")[2], targets[[it]]), c("达标", "未达标", "无显著差异")),
        "1 = 达标, 2 = 未达标, 3 = 无显著差异")
    for (gv in groupings) {
      b <- svyby(~hit, as.formula(paste0("~", gv)), dsub, svyciprop, method = "logit", vartype = c("se", "ci"))
      for (i in seq_len(nrow(b))) {
        cl <- sprintf("svyby(~I(%s %%in%% pos), ~%s, subset(des, valid_%s), svyciprop, method='logit', vartype=c('se','ci'))", it, gv, na)
        put(paste0(it, ":rate:", na), gv, b[[gv]][i], "estimate", coef(b)[i], cl)
        put(paste0(it, ":rate:", na), gv, b[[gv]][i], "se", SE(b)[i], cl)
        put(paste0(it, ":rate:", na), gv, b[[gv]][i], "ci_low", b$ci_l[i], cl)
        put(paste0(it, ":rate:", na), gv, b[[gv]][i], "ci_high", b$ci_u[i], cl)
      }
    }
  }
  if (startsWith(it, "S")) {
    valid <- !is.na(x) & x != 9
    dsub <- subset(des2, valid)
    m <- svymean(~sc, dsub, deff = TRUE)
    ci <- confint(m, df = degf(dsub))
    call <- sprintf("svymean(~score(%s), subset(des, valid), deff=TRUE); confint(df=degf)", it)
    put(paste0(it, ":index"), "", "", "estimate", coef(m), call)
    put(paste0(it, ":index"), "", "", "se", SE(m), call)
    put(paste0(it, ":index"), "", "", "deff", deff(m), call)
    put(paste0(it, ":index"), "", "", "ci_low", ci[1], call)
    put(paste0(it, ":index"), "", "", "ci_high", ci[2], call)
    for (gv in groupings) {
      b <- svyby(~sc, as.formula(paste0("~", gv)), dsub, svymean, deff = TRUE)
      for (i in seq_len(nrow(b))) {
        sub_g <- subset(dsub, get(gv) == b[[gv]][i])
        ci <- confint(svymean(~sc, sub_g), df = degf(sub_g))
        cl <- sprintf("svyby(~score(%s), ~%s, subset(des, valid), svymean, deff=TRUE)", it, gv)
        put(paste0(it, ":index"), gv, b[[gv]][i], "estimate", coef(b)[i], cl)
        put(paste0(it, ":index"), gv, b[[gv]][i], "se", SE(b)[i], cl)
        put(paste0(it, ":index"), gv, b[[gv]][i], "deff", deff(b)[i], cl)
        put(paste0(it, ":index"), gv, b[[gv]][i], "ci_low", ci[1], "confint(svymean(~sc, subset(dsub, g)), df=degf)")
        put(paste0(it, ":index"), gv, b[[gv]][i], "ci_high", ci[2], "confint(svymean(~sc, subset(dsub, g)), df=degf)")
      }
    }
  }
}

# ---- areas, indicator and composite: svycontrast of the joint domain means (ratios of totals)
for (j in 1:4) {
  x <- d[[paste0("S", j)]]
  v <- !is.na(x) & x != 9
  d[[paste0("v", j)]] <- as.numeric(v)
  d[[paste0("y", j)]] <- ifelse(v, score(x), 0)
  d[[paste0("h", j)]] <- ifelse(v, as.numeric(x %in% 1:2), 0)
}
desA <- svydesign(ids = ~psu, strata = ~st, weights = ~w, nest = TRUE, data = d)
contr <- function(p) list(
  a1 = substitute(((P1 / v1) + (P2 / v2)) / 2, list(P1 = as.name(paste0(p, 1)), P2 = as.name(paste0(p, 2)))),
  a2 = substitute(((P3 / v3) + (P4 / v4)) / 2, list(P3 = as.name(paste0(p, 3)), P4 = as.name(paste0(p, 4)))),
  sat = substitute(((P1 / v1) + (P2 / v2) + (P3 / v3) + (P4 / v4)) / 4,
                   list(P1 = as.name(paste0(p, 1)), P2 = as.name(paste0(p, 2)), P3 = as.name(paste0(p, 3)),
                        P4 = as.name(paste0(p, 4)))),
  composite = substitute(0.6 * ((P1 / v1) + (P2 / v2)) / 2 + 0.4 * ((P3 / v3) + (P4 / v4)) / 2,
                         list(P1 = as.name(paste0(p, 1)), P2 = as.name(paste0(p, 2)), P3 = as.name(paste0(p, 3)),
                              P4 = as.name(paste0(p, 4))))
)
agg <- function(dd, by, group) {
  for (p in c("y", "h")) {
    tt <- svytotal(as.formula(paste0("~", paste0(p, 1:4, collapse = "+"), "+v1+v2+v3+v4")), dd)
    cc <- svycontrast(tt, contr(p))
    ci <- confint(cc, df = degf(dd))
    for (k in names(coef(cc))) {
      if (p == "h" && k == "composite") next
      case <- paste0(k, ":", if (p == "y") "index" else "rate")
      call <- sprintf("svycontrast(svytotal(~%s1+..+%s4+v1+..+v4, des), %s)", p, p, k)
      put(case, by, group, "estimate", coef(cc)[[k]], call)
      put(case, by, group, "se", SE(cc)[[k]], call)
      put(case, by, group, "ci_low", ci[k, 1], paste0(call, "; confint(df=degf)"))
      put(case, by, group, "ci_high", ci[k, 2], paste0(call, "; confint(df=degf)"))
    }
  }
}
agg(desA, "", "")
for (gv in groupings) for (g in sort(unique(d[[gv]]))) agg(subset(desA, get(gv) == g), gv, g)

# ---- multiple choice: % of respondents (svyciprop) and % of mentions (svyratio) among those asked
d$mentions <- rowSums(d[, paste0("M_", 1:6)])
d$asked_m <- !is.na(d$mentions)
desM <- subset(svydesign(ids = ~psu, strata = ~st, weights = ~w, nest = TRUE, data = d), asked_m)
for (j in 1:6) {
  f <- as.formula(paste0("~I(M_", j, " == 1)"))
  p <- svyciprop(f, desM, method = "logit")
  call <- sprintf("svyciprop(~I(M_%d==1), subset(des, asked), method='logit')", j)
  put(paste0("M_", j, ":respondents"), "", "", "estimate", coef(p), call)
  put(paste0("M_", j, ":respondents"), "", "", "se", SE(p), call)
  put(paste0("M_", j, ":respondents"), "", "", "ci_low", attr(p, "ci")[1], call)
  put(paste0("M_", j, ":respondents"), "", "", "ci_high", attr(p, "ci")[2], call)
  r <- svyratio(as.formula(paste0("~M_", j)), ~mentions, desM)
  ci <- confint(r, df = degf(desM))
  call <- sprintf("svyratio(~M_%d, ~mentions, subset(des, asked)); confint(df=degf)", j)
  put(paste0("M_", j, ":mentions"), "", "", "estimate", coef(r), call)
  put(paste0("M_", j, ":mentions"), "", "", "se", SE(r), call)
  put(paste0("M_", j, ":mentions"), "", "", "ci_low", ci[1], call)
  put(paste0("M_", j, ":mentions"), "", "", "ci_high", ci[2], call)
  b <- svyby(as.formula(paste0("~M_", j)), ~site, desM, svyratio, denominator = ~mentions)
  for (i in seq_len(nrow(b))) {
    call <- sprintf("svyby(~M_%d, ~site, subset(des, asked), svyratio, denominator=~mentions)", j)
    put(paste0("M_", j, ":mentions"), "site", b$site[i], "estimate", coef(b)[i], call)
    put(paste0("M_", j, ":mentions"), "site", b$site[i], "se", SE(b)[i], call)
  }
  b <- svyby(as.formula(paste0("~I(M_", j, " == 1)")), ~site, desM, svyciprop, method = "logit", vartype = c("se", "ci"))
  for (i in seq_len(nrow(b))) {
    call <- sprintf("svyby(~I(M_%d==1), ~site, subset(des, asked), svyciprop, method='logit')", j)
    put(paste0("M_", j, ":respondents"), "site", b$site[i], "estimate", coef(b)[i], call)
    put(paste0("M_", j, ":respondents"), "site", b$site[i], "se", SE(b)[i], call)
    put(paste0("M_", j, ":respondents"), "site", b$site[i], "ci_low", b$ci_l[i], call)
    put(paste0("M_", j, ":respondents"), "site", b$site[i], "ci_high", b$ci_u[i], call)
  }
}

# ---- ranking: first-choice share (svyciprop) and Borda score k+1-rank, 0 when unranked (svymean)
d$asked_r <- rowSums(!is.na(d[, paste0("R_", 1:5)])) > 0
for (j in 1:5) {
  rj <- d[[paste0("R_", j)]]
  d[[paste0("first", j)]] <- as.numeric(!is.na(rj) & rj == 1)
  d[[paste0("borda", j)]] <- ifelse(is.na(rj), 0, 3 + 1 - rj)
}
desR <- subset(svydesign(ids = ~psu, strata = ~st, weights = ~w, nest = TRUE, data = d), asked_r)
for (j in 1:5) {
  p <- svyciprop(as.formula(paste0("~first", j)), desR, method = "logit")
  call <- sprintf("svyciprop(~I(R_%d==1), subset(des, asked), method='logit')", j)
  put(paste0("R_", j, ":first"), "", "", "estimate", coef(p), call)
  put(paste0("R_", j, ":first"), "", "", "se", SE(p), call)
  put(paste0("R_", j, ":first"), "", "", "ci_low", attr(p, "ci")[1], call)
  put(paste0("R_", j, ":first"), "", "", "ci_high", attr(p, "ci")[2], call)
  m <- svymean(as.formula(paste0("~borda", j)), desR)
  ci <- confint(m, df = degf(desR))
  call <- sprintf("svymean(~borda_%d, subset(des, asked)); confint(df=degf)", j)
  put(paste0("R_", j, ":borda"), "", "", "estimate", coef(m), call)
  put(paste0("R_", j, ":borda"), "", "", "se", SE(m), call)
  put(paste0("R_", j, ":borda"), "", "", "ci_low", ci[1], call)
  put(paste0("R_", j, ":borda"), "", "", "ci_high", ci[2], call)
}

# ---- importance: design-weighted correlation of each item score with the overall score
d$ov <- score(d$OV)
for (j in 1:4) {
  d$s <- score(d[[paste0("S", j)]])
  ok <- !is.na(d$s) & !is.na(d$ov)
  dd <- subset(svydesign(ids = ~psu, strata = ~st, weights = ~w, nest = TRUE, data = d), ok)
  v <- as.matrix(svyvar(~s + ov, dd))
  put(paste0("S", j, ":importance"), "", "", "estimate", cov2cor(v)[1, 2],
      sprintf("cov2cor(svyvar(~score(S%d)+score(OV), subset(des, both valid)))[1,2]", j))
}

res <- do.call(rbind, out)
write.csv(res, "tests/golden/r_indicators_expected.csv", row.names = FALSE)
cat(nrow(res), "values written\n")

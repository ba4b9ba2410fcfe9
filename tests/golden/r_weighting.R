# Golden values for minyi's weighting (analysis/weighting.py), produced by R's survey package.
# Run from the repository root:  Rscript tests/golden/r_weighting.R
# Writes
#   tests/golden/r_weighting_data.csv      the sample (strata st, PSUs psu, weights w, variables)
#   tests/golden/r_weighting_weights.csv   one column of calibrated weights per case
#   tests/golden/r_weighting_expected.csv  case, quantity, value, r_call (estimates, SEs, flags)
# CI does not run R.
suppressMessages(library(survey))
set.seed(20261125)
n_h <- c(6, 7, 8)              # PSUs sampled per stratum
N_h <- c(40, 60, 50)           # PSUs in the population per stratum
rows <- list()
for (h in 1:3) for (j in 1:n_h[h]) {
  m <- sample(8:16, 1)
  rows[[length(rows) + 1]] <- data.frame(st = h, psu = j, Npsu = N_h[h], m = m)
}
clus <- do.call(rbind, rows)
d <- clus[rep(seq_len(nrow(clus)), clus$m), ]
d$m <- NULL
n <- nrow(d)
d$w <- round(runif(n, 5, 40), 3)
# margin variables, deliberately unbalanced against the population and associated with each other
d$sex <- ifelse(runif(n) < 0.62, "F", "M")
d$age <- sample(c("18-34", "35-54", "55+"), n, replace = TRUE, prob = c(0.2, 0.35, 0.45))
d$region <- ifelse(d$st == 1, sample(c("north", "south"), n, TRUE, c(0.8, 0.2)),
               sample(c("north", "south", "west"), n, TRUE, c(0.2, 0.4, 0.4)))
d$age[d$sex == "M" & runif(n) < 0.3] <- "18-34"
d$y <- round(50 + 5 * (d$sex == "M") + 4 * (d$age == "55+") + 3 * d$st + rnorm(n, 0, 10) +
             rep(rnorm(nrow(clus), 0, 4), clus$m), 2)
d$b <- as.integer(runif(n) < plogis(-0.5 + 0.7 * (d$age == "55+") + 0.4 * (d$region == "west")))
write.csv(d, "tests/golden/r_weighting_data.csv", row.names = FALSE)

pop_sex <- data.frame(sex = c("F", "M"), Freq = c(10400, 9600))
pop_age <- data.frame(age = c("18-34", "35-54", "55+"), Freq = c(6000, 8400, 5600))
pop_region <- data.frame(region = c("north", "south", "west"), Freq = c(9000, 7000, 4000))

designs <- list(
  srs = svydesign(ids = ~1, weights = ~w, data = d),
  strat_clus = svydesign(ids = ~psu, strata = ~st, weights = ~w, nest = TRUE, data = d),
  strat_clus_fpc = svydesign(ids = ~psu, strata = ~st, weights = ~w, fpc = ~Npsu, nest = TRUE, data = d)
)
W <- data.frame(row = seq_len(n))
out <- list()
add <- function(case, quantity, value, call) {
  out[[length(out) + 1]] <<- data.frame(case = case, quantity = quantity, value = sprintf("%.17g", value), r_call = call)
}
converged_flag <- function(expr) {
  ok <- TRUE
  res <- withCallingHandlers(expr, warning = function(w) {
    if (grepl("did not converge", conditionMessage(w))) ok <<- FALSE
    invokeRestart("muffleWarning")
  })
  list(design = res, converged = ok)
}
estimates <- function(case, des, call) {
  m <- svymean(~y, des, deff = TRUE)
  add(case, "mean_y", coef(m), paste0("svymean(~y, ", call, ", deff=TRUE)"))
  add(case, "mean_y_se", SE(m), paste0("svymean(~y, ", call, ")"))
  add(case, "mean_y_deff", deff(m), paste0("svymean(~y, ", call, ", deff=TRUE)"))
  t <- svytotal(~y, des)
  add(case, "total_y", coef(t), paste0("svytotal(~y, ", call, ")"))
  add(case, "total_y_se", SE(t), paste0("svytotal(~y, ", call, ")"))
  p <- svymean(~b, des)
  add(case, "mean_b", coef(p), paste0("svymean(~b, ", call, ")"))
  add(case, "mean_b_se", SE(p), paste0("svymean(~b, ", call, ")"))
  sub <- subset(des, region == "west")
  ms <- svymean(~y, sub)
  add(case, "dom_west_mean_y", coef(ms), paste0("svymean(~y, subset(", call, ", region=='west'))"))
  add(case, "dom_west_mean_y_se", SE(ms), paste0("svymean(~y, subset(", call, ", region=='west'))"))
  tt <- svytotal(~I(as.numeric(sex == "F")), des)
  add(case, "total_female_se", SE(tt)[1], paste0("svytotal(~I(as.numeric(sex=='F')), ", call, ")"))
  add(case, "sum_w", sum(weights(des)), paste0("sum(weights(", call, "))"))
}
margins3 <- list(~sex, ~age, ~region)
pops3 <- list(pop_sex, pop_age, pop_region)
for (nm in names(designs)) {
  des <- designs[[nm]]
  estimates(paste0(nm, "_base"), des, "des")
  # raking with R's default control (maxit=10, epsilon=1)
  r <- converged_flag(rake(des, margins3, pops3))
  W[[paste0(nm, "_rake3")]] <- weights(r$design)
  add(paste0(nm, "_rake3"), "converged", as.numeric(r$converged), "rake(des, list(~sex,~age,~region), pops)")
  estimates(paste0(nm, "_rake3"), r$design, "rake(des, list(~sex,~age,~region), pops)")
  # raking to convergence
  r <- converged_flag(rake(des, margins3, pops3, control = list(maxit = 200, epsilon = 1e-12)))
  W[[paste0(nm, "_rake3_tight")]] <- weights(r$design)
  add(paste0(nm, "_rake3_tight"), "converged", as.numeric(r$converged), "rake(..., control=list(maxit=200, epsilon=1e-12))")
  estimates(paste0(nm, "_rake3_tight"), r$design, "rake(des, margins, pops, control=list(maxit=200, epsilon=1e-12))")
  # two margins
  r <- converged_flag(rake(des, list(~sex, ~age), list(pop_sex, pop_age)))
  W[[paste0(nm, "_rake2")]] <- weights(r$design)
  add(paste0(nm, "_rake2"), "converged", as.numeric(r$converged), "rake(des, list(~sex,~age), pops)")
  estimates(paste0(nm, "_rake2"), r$design, "rake(des, list(~sex,~age), list(pop_sex,pop_age))")
  # post-stratification on region (counts) and on age given as shares of the sample total
  ps <- postStratify(des, ~region, pop_region)
  W[[paste0(nm, "_ps_region")]] <- weights(ps)
  estimates(paste0(nm, "_ps_region"), ps, "postStratify(des, ~region, pop_region)")
  shares <- c(0.3, 0.42, 0.28)
  pop_age_share <- data.frame(age = c("18-34", "35-54", "55+"), Freq = shares * sum(weights(des)))
  ps2 <- postStratify(des, ~age, pop_age_share)
  W[[paste0(nm, "_ps_age_share")]] <- weights(ps2)
  estimates(paste0(nm, "_ps_age_share"), ps2, "postStratify(des, ~age, shares*sum(weights(des)))")
}
# convergence flag and weights when raking stops early
r <- converged_flag(rake(designs$srs, margins3, pops3, control = list(maxit = 2, epsilon = 1e-12)))
W[["srs_rake3_maxit2"]] <- weights(r$design)
add("srs_rake3_maxit2", "converged", as.numeric(r$converged), "rake(..., control=list(maxit=2, epsilon=1e-12))")
# relative epsilon (< 1 is a fraction of the sum of the input weights)
r <- converged_flag(rake(designs$srs, margins3, pops3, control = list(maxit = 10, epsilon = 1e-4)))
W[["srs_rake3_eps1e-4"]] <- weights(r$design)
add("srs_rake3_eps1e-4", "converged", as.numeric(r$converged), "rake(..., control=list(maxit=10, epsilon=1e-4))")

# trimWeights: plain and strict, upper = 2.5 x mean weight of the raked design
rk <- rake(designs$strat_clus, margins3, pops3, control = list(maxit = 200, epsilon = 1e-12))
up <- 2.5 * mean(weights(rk))
W[["trim_strict"]] <- weights(trimWeights(rk, upper = up, strict = TRUE))
W[["trim_once"]] <- weights(trimWeights(rk, upper = up, strict = FALSE))
W[["trim_lower"]] <- weights(trimWeights(rk, lower = 0.5 * mean(weights(rk)), upper = up, strict = TRUE))
add("trim", "upper", up, "2.5 * mean(weights(rake(strat_clus, ..., epsilon=1e-12)))")
# trim-and-rerake (minyi --cap 2.5): trimWeights(strict) then rake again, until no weight exceeds the cap
cap <- 2.5
des <- rk
for (round in 1:50) {
  upper <- cap * mean(weights(des))
  if (all(weights(des) <= upper * (1 + 1e-9))) break
  des <- trimWeights(des, upper = upper, strict = TRUE)
  des <- rake(des, margins3, pops3, control = list(maxit = 200, epsilon = 1e-12))
}
W[["cap_rake"]] <- weights(des)
add("cap_rake", "rounds", round - 1, "loop of trimWeights(strict=TRUE) + rake(epsilon=1e-12)")
estimates("cap_rake", des, "trimmed-and-reraked strat_clus design")
# cross-classified margins: postStratify on sex x age cells, and raking on (sex x age, region)
pop_sexage <- data.frame(sex = rep(c("F", "M"), each = 3), age = rep(c("18-34", "35-54", "55+"), 2),
                         Freq = c(2900, 4400, 3100, 3100, 4000, 2500))
ps <- postStratify(designs$strat_clus, ~sex + age, pop_sexage)
W[["ps_sexage"]] <- weights(ps)
estimates("ps_sexage", ps, "postStratify(strat_clus, ~sex+age, pop_sexage)")
r <- converged_flag(rake(designs$strat_clus, list(~sex + age, ~region), list(pop_sexage, pop_region)))
W[["rake_sexage_region"]] <- weights(r$design)
add("rake_sexage_region", "converged", as.numeric(r$converged), "rake(strat_clus, list(~sex+age, ~region), ...)")
estimates("rake_sexage_region", r$design, "rake(strat_clus, list(~sex+age, ~region), list(pop_sexage, pop_region))")
write.csv(W[, -1], "tests/golden/r_weighting_weights.csv", row.names = FALSE)
res <- do.call(rbind, out)
write.csv(res, "tests/golden/r_weighting_expected.csv", row.names = FALSE)
cat("wrote", nrow(res), "golden values and", ncol(W) - 1, "weight columns\n")

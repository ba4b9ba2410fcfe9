# Golden values for minyi's domain engine (analysis/domains.py) on calibrated designs: domain means and
# proportions by group, and a two-item indicator (mean of two rates), on raked and post-stratified designs.
# Run from the repository root:  Rscript tests/golden/r_domains_calibrated.R
# Reads tests/golden/r_weighting_data.csv (made by r_weighting.R); writes
# tests/golden/r_domains_calibrated_expected.csv (case, quantity, value, r_call). CI does not run R.
suppressMessages(library(survey))
d <- read.csv("tests/golden/r_weighting_data.csv", stringsAsFactors = FALSE)
d$c <- as.integer(d$y > 55)            # a second yes/no item
d$valid <- d$y > 45                    # rows that "answered" (an item-like domain)
pop_sex <- data.frame(sex = c("F", "M"), Freq = c(10400, 9600))
pop_age <- data.frame(age = c("18-34", "35-54", "55+"), Freq = c(6000, 8400, 5600))
pop_region <- data.frame(region = c("north", "south", "west"), Freq = c(9000, 7000, 4000))
base <- list(
  srs = "svydesign(ids=~1, weights=~w, data=d)",
  strat_clus = "svydesign(ids=~psu, strata=~st, weights=~w, nest=TRUE, data=d)",
  strat_clus_fpc = "svydesign(ids=~psu, strata=~st, weights=~w, fpc=~Npsu, nest=TRUE, data=d)"
)
cals <- list(
  rake2 = "rake(des0, list(~sex, ~age), list(pop_sex, pop_age), control=list(maxit=200, epsilon=1e-12))",
  ps_region = "postStratify(des0, ~region, pop_region)"
)
out <- list()
add <- function(case, quantity, value, call) {
  out[[length(out) + 1]] <<- data.frame(case = case, quantity = quantity, value = sprintf("%.17g", value), r_call = call)
}
for (bn in names(base)) for (cn in names(cals)) {
  des0 <- eval(parse(text = base[[bn]]))
  des <- eval(parse(text = cals[[cn]]))
  cs <- paste0(bn, "_", cn)
  pre <- paste0("des0 <- ", base[[bn]], "; des <- ", cals[[cn]], "; ")
  m <- svymean(~y, des, deff = TRUE)
  add(cs, "all_mean_y", coef(m), paste0(pre, "svymean(~y, des, deff=TRUE)"))
  add(cs, "all_mean_y_se", SE(m), paste0(pre, "svymean(~y, des, deff=TRUE)"))
  add(cs, "all_mean_y_deff", deff(m), paste0(pre, "svymean(~y, des, deff=TRUE)"))
  p <- svyciprop(~I(b == 1), des, method = "logit")
  add(cs, "all_prop_b", coef(p), paste0(pre, "svyciprop(~I(b==1), des, method='logit')"))
  add(cs, "all_prop_b_se", SE(p), paste0(pre, "svyciprop(~I(b==1), des, method='logit')"))
  add(cs, "all_prop_b_ci_low", attr(p, "ci")[1], paste0(pre, "svyciprop(~I(b==1), des, method='logit')"))
  add(cs, "all_prop_b_ci_high", attr(p, "ci")[2], paste0(pre, "svyciprop(~I(b==1), des, method='logit')"))
  for (g in c("age", "region")) {
    for (v in c("y", "b")) {
      by <- svyby(as.formula(paste0("~", v)), as.formula(paste0("~", g)), des, svymean)
      for (i in seq_len(nrow(by))) {
        add(cs, paste0(g, "=", by[[g]][i], "_mean_", v), coef(by)[i], paste0(pre, "svyby(~", v, ", ~", g, ", des, svymean)"))
        add(cs, paste0(g, "=", by[[g]][i], "_mean_", v, "_se"), SE(by)[i], paste0(pre, "svyby(~", v, ", ~", g, ", des, svymean)"))
      }
    }
  }
  # item-like domain: rows with y > 45 only, by age
  sv <- subset(des, valid)
  mv <- svymean(~b, sv)
  add(cs, "all_valid_mean_b_se", SE(mv), paste0(pre, "svymean(~b, subset(des, y > 45))"))
  byv <- svyby(~b, ~age, sv, svymean)
  for (i in seq_len(nrow(byv))) add(cs, paste0("age=", byv$age[i], "_valid_mean_b_se"), SE(byv)[i],
                                    paste0(pre, "svyby(~b, ~age, subset(des, y > 45), svymean)"))
  # a two-item indicator: the mean of the shares of b == 1 and c == 1
  ct <- svycontrast(svymean(~b + c, des), c(b = 0.5, c = 0.5))
  add(cs, "all_ind_bc", coef(ct), paste0(pre, "svycontrast(svymean(~b+c, des), c(0.5, 0.5))"))
  add(cs, "all_ind_bc_se", SE(ct), paste0(pre, "svycontrast(svymean(~b+c, des), c(0.5, 0.5))"))
  for (lv in sort(unique(d$age))) {
    ctg <- svycontrast(svymean(~b + c, subset(des, age == lv)), c(b = 0.5, c = 0.5))
    add(cs, paste0("age=", lv, "_ind_bc_se"), SE(ctg), paste0(pre, "svycontrast(svymean(~b+c, subset(des, age=='", lv, "')), c(0.5, 0.5))"))
  }
}
res <- do.call(rbind, out)
write.csv(res, "tests/golden/r_domains_calibrated_expected.csv", row.names = FALSE)
cat("wrote", nrow(res), "golden values\n")

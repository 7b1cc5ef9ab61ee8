# Draws OUTDIR/fig3b.png from the output of examples/fig3b (seed Figure 3b):
# log10(sigma_DC T) of MIL-121/Li+SE and MIL-121/Na+SE against 1000/T with
# the fitted two-regime Arrhenius lines.
#   gnuplot -e "outdir='figures'; term='pngcairo'" examples/fig3b.gp
if (!exists("outdir")) outdir = "figures"
if (!exists("term")) term = "pngcairo"
set terminal term size 900,650
set output outdir.'/fig3b.png'
set datafile separator ','
data = outdir.'/fig3b-data.csv'
fit = outdir.'/fig3b-fit.csv'
legend = outdir.'/fig3b-legend.csv'

# fitted activation energies for the legend (rows: Li, Na)
stats legend every ::1::1 using 2 nooutput; li_lo = STATS_min
stats legend every ::1::1 using 4 nooutput; li_hi = STATS_min
stats legend every ::2::2 using 2 nooutput; na_lo = STATS_min
stats legend every ::2::2 using 4 nooutput; na_hi = STATS_min

set title "Figure 3b: DC conductivity of MIL-121/Li+SE and MIL-121/Na+SE (synthetic data)"
set xlabel "1000/T (K^{-1})"
set ylabel "log_{10}(σ_{DC}T / (S K cm^{-1}))"
set xrange [2.45:4.55]
set yrange [-9:0.5]
set xtics nomirror
set x2range [2.45:4.55]
set x2tics ("120" 1000/393.15, "100" 1000/373.15, "80" 1000/353.15, "60" 1000/333.15, "40" 1000/313.15, \
            "20" 1000/293.15, "0" 1000/273.15, "-20" 1000/253.15, "-40" 1000/233.15)
set x2label "temperature (°C)"
set grid x2tics ytics lc rgb "gray85"
set key bottom left box opaque spacing 1.3
set arrow 1 from 1000/323.15, -9 to 1000/323.15, 0.5 nohead dt 2 lc rgb "#d62728"
set arrow 2 from 1000/283.15, -9 to 1000/283.15, 0.5 nohead dt 2 lc rgb "#1f77b4"
set label 1 "50 °C" at 1000/323.15 + 0.02, -0.4 tc rgb "#d62728"
set label 2 "10 °C" at 1000/283.15 + 0.02, -0.4 tc rgb "#1f77b4"
plot data using (strcol(1) eq "Li" ? $3 : NaN):4:5 with yerrorbars pt 7 ps 1.1 lc rgb "#d62728" \
          title "MIL-121/Li+SE", \
     fit using 2:3 with lines lw 2 lc rgb "#d62728" \
          title sprintf("  E_a = %.2f eV (I), %.2f eV (II)", li_lo, li_hi), \
     data using (strcol(1) eq "Na" ? $3 : NaN):4:5 with yerrorbars pt 5 ps 1.1 lc rgb "#1f77b4" \
          title "MIL-121/Na+SE", \
     fit using 2:4 with lines lw 2 lc rgb "#1f77b4" \
          title sprintf("  E_a = %.2f eV (I), %.2f eV (II)", na_lo, na_hi)

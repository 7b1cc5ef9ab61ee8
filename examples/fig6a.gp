# fig6a.gp: seed Figure 6a, 7Li 1/T1 and 1/T1rho of MIL-121/Li.
#   gnuplot -e "outdir='figures'; term='pngcairo'" examples/fig6a.gp
if (!exists("outdir")) outdir = 'figures'
if (!exists("term")) term = 'pngcairo'
set terminal term size 900,650
set output outdir.'/fig6a.png'
set datafile separator ','
set datafile missing 'NaN'
s = outdir.'/summary-fig6a.csv'
stats s every ::1::1 using 4 nooutput; ea1 = STATS_max
stats s every ::2::2 using 4 nooutput; ea2 = STATS_max
stats s every ::4::4 using 4 nooutput; tmax = STATS_max
set xlabel '1000/T (K^{-1})'
set ylabel 'log_{10}(rate / s^{-1})'
set x2label 'T (K)'
set xrange [1.5:4.8]
set link x2
set x2tics ("650" 1000./650, "550" 1000./550, "450" 1000./450, "400" 1000./400, \
            "350" 1000./350, "300" 1000./300, "250" 1000./250, "220" 1000./220)
set xtics nomirror
set mxtics 5
set key top right box opaque
set title 'MIL-121/Li, ^7Li, 116.59 MHz, spin lock 20 kHz'
set arrow from 1000./tmax, graph 0 to 1000./tmax, graph 1 nohead dt 3 lc rgb 'gray50'
set label sprintf('T_{max} = %.0f K', tmax) at 1000./tmax + 0.03, graph 0.95
d = outdir.'/fig6a.csv'
f = outdir.'/fig6a_fit.csv'
plot d using (strcol(1) eq 'T1rho' ? $3 : NaN):(log10($4)):(0.4343*$5/$4) skip 1 \
       with yerrorbars pt 7 ps 1.1 lc rgb '#c00000' title '1/T_{1{/Symbol r}}', \
     d using (strcol(1) eq 'T1' ? $3 : NaN):(log10($4)):(0.4343*$5/$4) skip 1 \
       with yerrorbars pt 5 ps 1.0 lc rgb '#0040c0' title '1/T_1', \
     f using 2:(log10($4)) skip 1 with lines lw 1.5 dt 2 lc rgb '#c00000' title 'global fit (asymmetric + background)', \
     f using 2:(log10($3)) skip 1 with lines lw 1.5 dt 2 lc rgb '#0040c0' notitle, \
     f using 2:(log10($6)) skip 1 with lines lw 3 lc rgb '#800000' title sprintf('flank T_{1{/Symbol r}}: E_a = %.2f eV', ea2), \
     f using 2:(log10($5)) skip 1 with lines lw 3 lc rgb '#002080' title sprintf('flank T_1: E_a = %.2f eV', ea1)

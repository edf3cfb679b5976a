: Sundt et al. 2015 C-neuron membrane (Traub Na with a voltage shift, Borg-Graham Kdr,
: Yamada M current, leak; fixed E_Na) with the soma's L-type Ca2+ current, submembrane
: Ca2+ pool and SK current of the authors' Figure 8c model. Written for the drgstim parity
: test from the equations in drgstim.biophysics.channels.sundt / sundt_ca (constants from
: data/biophysics/drg_sundt.json and calcium_sk.json). The Ca2+ current is local (no ion):
: its value from the step's current evaluation drives the pool, as the published SK
: mechanism reads ica.
NEURON {
    SUFFIX sundtca
    NONSPECIFIC_CURRENT i
    RANGE gnabar, gkdrbar, gkmbar, gl, ena, ek, el, shift
    RANGE gcalbar, eca, gskbar, ca0, catau, kca, ica, cac
}
UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S) = (siemens)
    (mM) = (milli/liter)
}
PARAMETER {
    gnabar = 0.04 (S/cm2)
    gkdrbar = 0.04 (S/cm2)
    gkmbar = 0 (S/cm2)
    gl = 0.0001 (S/cm2)
    ena = 55 (mV)
    ek = -90 (mV)
    el = -60 (mV)
    shift = 6 (mV)
    gcalbar = 0.00025 (S/cm2)
    eca = 131.8 (mV)
    gskbar = 0.001 (S/cm2)
    ca0 = 0.00007 (mM)
    catau = 500 (ms)
    kca = 0.026
}
ASSIGNED {
    v (mV)
    celsius (degC)
    i (mA/cm2)
    ica (mA/cm2)
    minf hinf ninf linf pinf cinf
    mtau (ms) htau (ms) ntau (ms) ltau (ms) ptau (ms) ctau (ms)
}
STATE { m h n l p c cac (mM) q }
BREAKPOINT {
    SOLVE states METHOD cnexp
    ica = gcalbar*c*c*(v - eca)
    i = gnabar*m*m*m*h*(v - ena) + gkdrbar*n*n*n*l*(v - ek) + gkmbar*p*(v - ek)
    i = i + gl*(v - el) + ica + gskbar*q*q*(v - ek)
}
INITIAL {
    rates(v)
    m = minf
    h = hinf
    n = ninf
    l = linf
    p = pinf
    c = cinf
    cac = ca0
    q = qa(cac)/(qa(cac) + qb(cac))
}
DERIVATIVE states {
    rates(v)
    m' = (minf - m)/mtau
    h' = (hinf - h)/htau
    n' = (ninf - n)/ntau
    l' = (linf - l)/ltau
    p' = (pinf - p)/ptau
    c' = (cinf - c)/ctau
    cac' = -kca*ica - (cac - ca0)/catau
    q' = qa(cac)*(1 - q) - qb(cac)*q
}
FUNCTION qa(x (mM)) (/ms) {
    UNITSOFF
    qa = 0.00246*exp((36*log10(x*1000) + 28.48)/4.5)
    UNITSON
}
FUNCTION qb(x (mM)) (/ms) {
    UNITSOFF
    qb = 0.006*exp(-(36*log10(x*1000) + 60.4)/35)
    UNITSON
}
FUNCTION vtrap(x, y) {
    if (fabs(x/y) < 1e-6) {
        vtrap = y - x/2
    } else {
        vtrap = x/(exp(x/y) - 1)
    }
}
PROCEDURE rates(v (mV)) {
    LOCAL q3, rt, phi, u, a, b, dn, dl, x
    UNITSOFF
    q3 = 3^((celsius - 30)/10)
    phi = 3^((celsius - 23.5)/10)
    rt = 1000*8.314462618*(celsius + 273.15)/96485.33212
    u = v + 65 - shift
    a = q3*0.32*vtrap(13.1 - u, 4)
    b = q3*0.28*vtrap(u - 40.1, 5)
    minf = a/(a + b)
    mtau = 1/(a + b)
    a = q3*0.128*exp((17 - u)/18)
    b = q3*4/(1 + exp((40 - u)/5))
    hinf = a/(a + b)
    htau = 1/(a + b)
    dn = (v + 32)/rt
    a = 0.03*exp(5*0.4*dn)
    b = 0.03*exp(-5*(1 - 0.4)*dn)
    ninf = a/(a + b)
    ntau = 1/(a + b)
    dl = (v + 61)/rt
    a = 0.001*exp(-2*1*dl)
    b = 0.001*exp(2*(1 - 1)*dl)
    linf = a/(a + b)
    ltau = 1/(a + b)
    x = (v + 35)/20
    if (x > 300) { x = 300 }
    if (x < -300) { x = -300 }
    pinf = 1/(1 + exp(-(v + 35)/10))
    ptau = 1000/(3.3*exp(x) + exp(-x))/phi
    a = 15.69*vtrap(81.5 - v, 10)
    b = 0.29*exp(-v/10.86)
    cinf = a/(a + b)
    ctau = 1/(a + b)
    UNITSON
}

: Sundt et al. 2015 C-neuron membrane (Traub Na with a voltage shift, Borg-Graham Kdr,
: Yamada M current, leak) with the Tigerholm et al. 2014 Na+/K+ pump and a Na+ leak,
: E_Na from [Na+]i (NEURON's Nernst, via USEION). Written for the drgstim parity test from
: the equations in drgstim.biophysics.channels.sundt / sundt_na (constants from
: data/biophysics/drg_sundt.json and sodium_dynamics.json).
NEURON {
    SUFFIX sundtna
    USEION na READ ena, nai WRITE ina
    NONSPECIFIC_CURRENT i
    RANGE gnabar, gkdrbar, gkmbar, gl, ek, el, shift, ko, pumpa, gnaleak
    RANGE minf, hinf, ninf, linf, pinf, mtau, htau, ntau, ltau, ptau
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
    ek = -90 (mV)
    el = -60 (mV)
    shift = 6 (mV)
    ko = 5.6 (mM)
    pumpa = 0.0047891 (mA/cm2)
    gnaleak = 0 (S/cm2)
}
ASSIGNED {
    v (mV)
    celsius (degC)
    ena (mV)
    nai (mM)
    ina (mA/cm2)
    i (mA/cm2)
    minf hinf ninf linf pinf
    mtau (ms) htau (ms) ntau (ms) ltau (ms) ptau (ms)
}
STATE { m h n l p }
BREAKPOINT {
    LOCAL ipk
    SOLVE states METHOD cnexp
    ipk = pumpk(nai)
    ina = gnabar*m*m*m*h*(v - ena) + gnaleak*(v - ena) - 1.5*ipk
    i = gkdrbar*n*n*n*l*(v - ek) + gkmbar*p*(v - ek) + gl*(v - el) + ipk
}
INITIAL {
    rates(v)
    m = minf
    h = hinf
    n = ninf
    l = linf
    p = pinf
}
DERIVATIVE states {
    rates(v)
    m' = (minf - m)/mtau
    h' = (hinf - h)/htau
    n' = (ninf - n)/ntau
    l' = (linf - l)/ltau
    p' = (pinf - p)/ptau
}
FUNCTION pumpk(c (mM)) (mA/cm2) {
    LOCAL s
    UNITSOFF
    s = c + 8
    pumpk = -pumpa/((1 + 1/ko)^2)*(1.62/(1 + (6.7/s)^3) + 1/(1 + (67.6/s)^3))
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
    LOCAL q, rt, phi, u, a, b, dn, dl, x
    UNITSOFF
    q = 3^((celsius - 30)/10)
    phi = 3^((celsius - 23.5)/10)
    rt = 1000*8.314462618*(celsius + 273.15)/96485.33212
    u = v + 65 - shift
    a = q*0.32*vtrap(13.1 - u, 4)
    b = q*0.28*vtrap(u - 40.1, 5)
    minf = a/(a + b)
    mtau = 1/(a + b)
    a = q*0.128*exp((17 - u)/18)
    b = q*4/(1 + exp((40 - u)/5))
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
    UNITSON
}

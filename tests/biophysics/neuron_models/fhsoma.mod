: Frankenhaeuser-Huxley 1964 membrane in Goldman-Hodgkin-Katz form, written for drgstim's
: NEURON parity tests from the same equations as src/drgstim/biophysics/channels/fh.py
: (rates in the displacement V = v + 70 mV, q10 3 from 20 degC; P_Na m^2 h, P_p p^2 carried
: by Na, P_K n^2, leak). Concentrations and constants as src/drgstim/data/biophysics/fh.json.

NEURON {
    SUFFIX fhsoma
    NONSPECIFIC_CURRENT i
    RANGE pnabar, ppbar, pkbar, gl, el
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
}

PARAMETER {
    pnabar = 8e-3 (cm/s)
    ppbar = 5.4e-4 (cm/s)
    pkbar = 1.2e-3 (cm/s)
    gl = 0.0303 (mho/cm2)
    el = -69.974 (mV)
    nai = 13.74
    nao = 114.5
    ki = 120.0
    ko = 2.5
    faraday = 96485.3
    gasconst = 8.31342
}

ASSIGNED {
    v (mV)
    celsius (degC)
    i (mA/cm2)
    m_inf h_inf n_inf p_inf
    tau_m (ms) tau_h (ms) tau_n (ms) tau_p (ms)
}

STATE { m h n p }

BREAKPOINT { LOCAL fna, fk
    SOLVE states METHOD cnexp
    fna = ghk(v, nai, nao)
    fk = ghk(v, ki, ko)
    i = pnabar * m * m * h * fna + ppbar * p * p * fna + pkbar * n * n * fk + gl * (v - el)
}

INITIAL {
    rates(v)
    m = m_inf
    h = h_inf
    n = n_inf
    p = p_inf
}

DERIVATIVE states {
    rates(v)
    m' = (m_inf - m) / tau_m
    h' = (h_inf - h) / tau_h
    n' = (n_inf - n) / tau_n
    p' = (p_inf - p) / tau_p
}

FUNCTION trap(x, y) {
    if (fabs(x / y) < 1e-6) {
        trap = y * (1 - x / y / 2)
    } else {
        trap = x / (exp(x / y) - 1)
    }
}

: GHK current of a monovalent cation per unit permeability, mA/cm2 per cm/s
FUNCTION ghk(v (mV), cin, cout) { LOCAL z
    z = 1e-3 * faraday * v / (gasconst * (celsius + 273.15))
    ghk = 1e-3 * faraday * (cin * trap(-z, 1) - cout * trap(z, 1))
}

PROCEDURE rates(v (mV)) { LOCAL q, dv, a, b
    q = 3 ^ ((celsius - 20) / 10)
    dv = v + 70
    a = q * 0.36 * trap(22 - dv, 3)
    b = q * 0.4 * trap(dv - 13, 20)
    m_inf = a / (a + b)
    tau_m = 1 / (a + b)
    a = q * 0.1 * trap(dv + 10, 6)
    b = q * 4.5 / (exp((45 - dv) / 10) + 1)
    h_inf = a / (a + b)
    tau_h = 1 / (a + b)
    a = q * 0.02 * trap(35 - dv, 10)
    b = q * 0.05 * trap(dv - 10, 10)
    n_inf = a / (a + b)
    tau_n = 1 / (a + b)
    a = q * 0.006 * trap(40 - dv, 10)
    b = q * 0.09 * trap(dv + 25, 20)
    p_inf = a / (a + b)
    tau_p = 1 / (a + b)
}

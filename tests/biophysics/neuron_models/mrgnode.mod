: MRG 2002 node of Ranvier written for drgstim's NEURON parity tests from the published
: equations (McIntyre, Richardson & Grill 2002, J Neurophysiol 87:995): fast Na (m^3 h),
: persistent Na (mp^3), slow K (s), leak. Same numbers as src/drgstim/data/biophysics/mrg.json.

NEURON {
    SUFFIX mrgnode
    NONSPECIFIC_CURRENT ina, inap, ik, il
    RANGE gnabar, gnapbar, gkbar, gl, ena, ek, el
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
}

PARAMETER {
    gnabar = 3.0 (mho/cm2)
    gnapbar = 0.01 (mho/cm2)
    gkbar = 0.08 (mho/cm2)
    gl = 0.007 (mho/cm2)
    ena = 50.0 (mV)
    ek = -90.0 (mV)
    el = -90.0 (mV)
}

ASSIGNED {
    v (mV)
    celsius (degC)
    ina (mA/cm2)
    inap (mA/cm2)
    ik (mA/cm2)
    il (mA/cm2)
    mp_inf m_inf h_inf s_inf
    tau_mp (ms) tau_m (ms) tau_h (ms) tau_s (ms)
}

STATE { mp m h s }

BREAKPOINT {
    SOLVE states METHOD cnexp
    ina = gnabar * m * m * m * h * (v - ena)
    inap = gnapbar * mp * mp * mp * (v - ena)
    ik = gkbar * s * (v - ek)
    il = gl * (v - el)
}

INITIAL {
    rates(v)
    mp = mp_inf
    m = m_inf
    h = h_inf
    s = s_inf
}

DERIVATIVE states {
    rates(v)
    mp' = (mp_inf - mp) / tau_mp
    m' = (m_inf - m) / tau_m
    h' = (h_inf - h) / tau_h
    s' = (s_inf - s) / tau_s
}

FUNCTION lin(a, x, c) {
    if (fabs(x / c) < 1e-6) {
        lin = a * c
    } else {
        lin = a * x / (1 - exp(-x / c))
    }
}

PROCEDURE rates(v (mV)) { LOCAL a, b, q1, q2, q3, v2
    q1 = 2.2 ^ ((celsius - 20) / 10)
    q2 = 2.9 ^ ((celsius - 20) / 10)
    q3 = 3.0 ^ ((celsius - 36) / 10)
    a = q1 * lin(0.01, v + 27, 10.2)
    b = q1 * lin(0.00025, -(v + 34), 10)
    tau_mp = 1 / (a + b)
    mp_inf = a / (a + b)
    a = q1 * lin(1.86, v + 21.4, 10.3)
    b = q1 * lin(0.086, -(v + 25.7), 9.16)
    tau_m = 1 / (a + b)
    m_inf = a / (a + b)
    a = q2 * lin(0.062, -(v + 114), 11)
    b = q2 * 2.3 / (1 + exp(-(v + 31.8) / 13.4))
    tau_h = 1 / (a + b)
    h_inf = a / (a + b)
    v2 = v + 80
    a = q3 * 0.3 / (exp((v2 - 27) / -5) + 1)
    b = q3 * 0.03 / (exp((v2 + 10) / -1) + 1)
    tau_s = 1 / (a + b)
    s_inf = a / (a + b)
}

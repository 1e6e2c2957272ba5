"""The two challenges of lesson 06b: signals that vanish or explode with depth, and non-convex
loss landscapes.

**Initialisation.** A layer ``z = W x`` with independent zero-mean weights of variance
``Var(w)``, independent of its input, gives each pre-activation the second moment

    E[z^2] = fan_in * Var(w) * E[x^2]

(``E[x^2]``, not ``Var(x)``: a ReLU's output has a non-zero mean). With ``x = f(z_prev)``:
for a linear layer (and tanh near 0, where ``tanh z ~ z``) ``E[x^2] = E[z_prev^2]``, so the
scale is kept when ``Var(w) = 1/fan_in`` (LeCun's initialisation); for ReLU ``E[relu(z)^2] = E[z^2]/2`` (``z`` is
symmetric about 0), so it is kept when ``Var(w) = 2/fan_in`` (Kaiming He et al. 2015). The
backward pass gives the same with ``fan_out``; Glorot & Bengio (2010) compromise with
``Var(w) = 2/(fan_in + fan_out)``. ``init_variance`` gives each scheme's variance,
``predicted_second_moments`` the recursion, and ``second_moments`` measures it on random MLPs.

**Landscapes** (Li et al., NeurIPS 2018). A network has thousands of parameters, so we look at
a slice: the loss at ``theta + a * d1 (+ b * d2)`` for random directions ``d``. Raw random
directions mislead, because a layer's weights can be rescaled without changing the function;
*filter normalisation* gives each filter (row of a weight matrix) of ``d`` the norm of the same
filter in ``theta``, so distances along ``d`` mean the same in every layer. Biases get zero.

References: X. Glorot, Y. Bengio, "Understanding the difficulty of training deep feedforward
neural networks", AISTATS 2010. K. He, X. Zhang, S. Ren, J. Sun, "Delving Deep into Rectifiers",
ICCV 2015. H. Li et al., "Visualizing the Loss Landscape of Neural Nets", NeurIPS 2018.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from .i18n import N_, _

#: The initialisations of lesson 06b, by the names the lesson prints.
INITS = ("PyTorch default", "small N(0, 0.01²)", "Xavier", "Kaiming")
#: E[f(z)^2] / E[z^2] for z symmetric about 0: what one activation does to the second moment.
SECOND_MOMENT_KEPT = {"linear": 1.0, "relu": 0.5}


def _check_choice(value, options, name: str, fn: str, hint: str = "") -> str:
    if value not in options:
        raise ValueError(
            _("{fn}: {name} must be one of {options}, but got {value!r}. Pass one of these names "
              "exactly{hint}.").format(
                fn=fn, name=name, options=', '.join(map(repr, options)), value=value,
                hint=_(hint) if hint else "")
        )
    return value


def _check_count(value, name: str, fn: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(
            _("{fn}: {name} must be a whole number of at least 1, but got {value!r}. Pass a whole "
              "number such as {name}=20 (an int, not a float or a tensor).").format(
                fn=fn, name=name, value=value)
        )
    return int(value)


def init_variance(init: str, fan_in: int, fan_out: int, activation: str = "relu") -> float:
    """The variance of the weights that ``init`` draws for a layer with ``fan_in`` inputs and
    ``fan_out`` outputs (a PyTorch weight of shape ``(fan_out, fan_in)``).

    ==================  ============================  ==============================================
    init                Var(w)                        PyTorch
    ==================  ============================  ==============================================
    "PyTorch default"   1 / (3 fan_in)                ``nn.Linear``: ``kaiming_uniform_(a=sqrt(5))``,
                                                      U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    "small N(0, 0.01²)" 0.01^2                        ``nn.init.normal_(w, 0, 0.01)``
    "Xavier"            2 / (fan_in + fan_out)        ``nn.init.xavier_normal_(w)`` (gain 1, Glorot's)
    "Kaiming"           2 / fan_in (relu),            ``nn.init.kaiming_normal_(w, nonlinearity=
                        1 / fan_in (linear)           activation)``
    ==================  ============================  ==============================================

    ``activation`` ("relu" or "linear") matters only for Kaiming; the others ignore it. Kaiming
    with "linear" is 1/fan_in, LeCun's initialisation (He et al. derived Kaiming's for ReLU);
    PyTorch calls it ``kaiming_normal_(w, nonlinearity="linear")``. PyTorch's ``xavier_normal_``
    takes a ``gain`` too (``calculate_gain``: sqrt(2) for ReLU, 5/3 for tanh, a heuristic of
    PyTorch's) that multiplies the variance by gain^2; the table gives Glorot's formula, gain 1.
    """
    fn = "init_variance"
    _check_choice(init, INITS, "init", fn)
    _check_choice(activation, tuple(SECOND_MOMENT_KEPT), "activation", fn)
    fan_in, fan_out = _check_count(fan_in, "fan_in", fn), _check_count(fan_out, "fan_out", fn)
    return {"PyTorch default": 1 / (3 * fan_in), "small N(0, 0.01²)": 0.01**2, "Xavier": 2 / (fan_in + fan_out),
            "Kaiming": 1 / (SECOND_MOMENT_KEPT[activation] * fan_in)}[init]  # fmt: skip


def predicted_second_moments(activation: str, weight_variance: float, width: int, depth: int,
                             input_second_moment: float = 1.0) -> np.ndarray:
    """E[z_l^2] for layers l = 1..depth of an MLP of square layers (``width`` = fan_in = fan_out),
    zero biases and weights of variance ``weight_variance``, from the recursion

        E[z_1^2] = width * Var(w) * E[x^2],    E[z_l^2] = width * Var(w) * k * E[z_(l-1)^2],

    with ``k = E[f(z)^2] / E[z^2]``: 1 for "linear", 1/2 for "relu". It holds in expectation over
    the weights; one network wanders around it by a random factor per layer.
    """
    fn = "predicted_second_moments"
    _check_choice(activation, tuple(SECOND_MOMENT_KEPT), "activation", fn,
                  N_(" (tanh is linear only near 0: 'linear' gives its first-order prediction, and "
                  "second_moments measures the real one)"))
    for name, value in (("weight_variance", weight_variance), ("input_second_moment", input_second_moment)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value <= 0:
            raise ValueError(
                _("{fn}: {name} must be a positive number, but got {value!r}. A variance is "
                  "positive: pass e.g. init_variance('Kaiming', 64, 64) for weight_variance.").format(
                    fn=fn, name=name, value=value)
            )
    var = float(weight_variance)
    width, depth = _check_count(width, "width", fn), _check_count(depth, "depth", fn)
    per_layer = width * var * SECOND_MOMENT_KEPT[activation]
    return width * var * input_second_moment * per_layer ** np.arange(depth, dtype=float)


def _initialise(weight, init: str, activation: str, generator):
    from torch import nn

    if init == "PyTorch default":  # what nn.Linear.reset_parameters does to its weight
        nn.init.kaiming_uniform_(weight, a=math.sqrt(5), generator=generator)
    elif init == "small N(0, 0.01²)":
        nn.init.normal_(weight, 0.0, 0.01, generator=generator)
    elif init == "Xavier":
        nn.init.xavier_normal_(weight, generator=generator)  # gain 1: Glorot's
    else:  # Kaiming: ReLU's variance for ReLU, the linear one (gain 1: LeCun's) otherwise
        nn.init.kaiming_normal_(weight, nonlinearity="relu" if activation == "relu" else "linear", generator=generator)


def second_moments(activation: str, init: str, depth: int = 20, width: int = 64, batch: int = 64,
                   networks: int = 1, seed: int = 0) -> np.ndarray:
    """Measured E[z_l^2] of each layer's pre-activations ``z_l = W_l f(z_(l-1))``, first layer first,
    averaged over the inputs and over ``networks`` random MLPs (``depth`` square layers of
    ``width`` units, biases zero, weights drawn by ``init`` as ``init_variance`` describes,
    inputs ``N(0, I)``). ``activation``: "relu", "tanh" or "linear"; Kaiming uses ReLU's
    variance 2/fan_in for "relu" and 1/fan_in otherwise (``kaiming_normal_(w, nonlinearity=
    "linear")``, LeCun's initialisation). Computed in float32 as PyTorch runs; the second
    moments are summed in float64. One ``torch.Generator(seed)`` draws everything in turn.
    """
    import torch

    fn = "second_moments"
    _check_choice(activation, ("relu", "tanh", "linear"), "activation", fn)
    _check_choice(init, INITS, "init", fn)
    depth, width = _check_count(depth, "depth", fn), _check_count(width, "width", fn)
    batch, networks = _check_count(batch, "batch", fn), _check_count(networks, "networks", fn)
    f = {"relu": torch.relu, "tanh": torch.tanh, "linear": lambda z: z}[activation]
    g = torch.Generator().manual_seed(seed)
    measured = np.empty(depth)
    weight = torch.empty(networks, width, width)
    with torch.no_grad():
        h = torch.randn(networks, batch, width, generator=g)  # every network gets its own inputs
        for layer in range(depth):
            for net in range(networks):  # each (fan_out, fan_in) matrix drawn by torch.nn.init itself
                _initialise(weight[net], init, activation, g)
            z = torch.bmm(h, weight.transpose(1, 2))
            measured[layer] = torch.linalg.vector_norm(z, dtype=torch.float64).item() ** 2 / z.numel()
            h = f(z)
    return measured


def filter_normalised_direction(model, seed: int = 0) -> list:
    """A random direction shaped like ``model``'s parameters, each filter rescaled to its norm."""
    import torch

    g = torch.Generator().manual_seed(seed)
    direction = []
    for p in model.parameters():
        d = torch.randn(p.shape, generator=g, dtype=p.dtype)
        if p.dim() <= 1:
            d.zero_()  # biases and norms stay put
        else:
            d *= p.detach().flatten(1).norm(dim=1).view(-1, *[1] * (p.dim() - 1)) / d.flatten(1).norm(dim=1).view(-1, *[1] * (p.dim() - 1))
        direction.append(d)
    return direction


def loss_surface(model, loss_fn, X, y, directions, alphas, betas=None) -> np.ndarray:
    """Loss at ``theta + a d1`` for each ``a`` (1-D), or ``theta + a d1 + b d2`` on a grid (2-D).

    Returns shape ``(len(alphas),)`` or ``(len(betas), len(alphas))``. The model is restored after.
    """
    import torch

    params = list(model.parameters())
    theta = [p.detach().clone() for p in params]
    betas = [0.0] if betas is None else betas
    out = np.empty((len(betas), len(alphas)))
    try:
        with torch.no_grad():
            for i, b in enumerate(betas):
                for j, a in enumerate(alphas):
                    for p, t, d1, d2 in zip(params, theta, directions[0], directions[-1]):
                        p.copy_(t + a * d1 + (b * d2 if len(directions) > 1 else 0))
                    out[i, j] = loss_fn(model(X), y).item()
    finally:
        with torch.no_grad():
            for p, t in zip(params, theta):
                p.copy_(t)
    return out[0] if len(directions) == 1 else out

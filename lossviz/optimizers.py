"""SGD with momentum, Adam and gradient clipping by hand, in NumPy, as ``torch`` computes them.

Lesson 04 holds each of these beside ``torch.optim`` on the same parameters and gradients. One
optimizer object updates one array of parameters (any shape); PyTorch treats every parameter
tensor the same way, independently, so a model with several tensors needs one object per tensor
(or their values concatenated into one array). NumPy only: no torch import.

    opt = SGD(lr=0.03, momentum=0.9)           # torch.optim.SGD([p], lr=0.03, momentum=0.9)
    theta = opt.step(theta, grad)              # p.grad = grad; opt.step()

References: Sutskever, Martens, Dahl & Hinton (2013), "On the importance of initialization and
momentum in deep learning" (ICML); Kingma & Ba (2015), "Adam: A method for stochastic
optimization" (ICLR), Algorithm 1; Pascanu, Mikolov & Bengio (2013), "On the difficulty of
training recurrent neural networks" (ICML), Algorithm 2 (clipping by norm). PyTorch's formulas:
the pages of ``torch.optim.SGD``, ``torch.optim.Adam`` and ``torch.nn.utils.clip_grad_norm_``.
"""

from __future__ import annotations

import numbers

import numpy as np

from .checks import as_float_array
from .i18n import N_, _


def _check_number(value, name: str, fn: str, lo: float, hi: float, hi_open: bool, fix: str,
                  lo_open: bool = False) -> float:  # fmt: skip
    ok = (isinstance(value, numbers.Real) and np.isfinite(value) and (lo < value if lo_open else lo <= value)
          and (value < hi if hi_open else value <= hi))  # fmt: skip
    if not ok:
        interval = ("(" if lo_open else "[") + f"{lo:g}, {hi:g}" + (")" if hi_open else "]")
        raise ValueError(
            _("{fn}: {name} must be a number in {interval}, but got {value!r}. {fix}").format(
                fn=fn, name=name, interval=interval, value=value, fix=_(fix))
        )
    return float(value)


def _pair(theta, grad, fn: str) -> tuple[np.ndarray, np.ndarray]:
    theta = as_float_array(theta, "theta", fn)
    grad = as_float_array(grad, "grad", fn)
    if theta.shape != grad.shape:
        raise ValueError(
            _("{fn}: grad has shape {shape} but theta has shape {shape2}; each parameter needs its "
              "own gradient. Pass the gradient of the loss with respect to theta itself (in "
              "PyTorch, p.grad has p's shape).").format(
                fn=fn, shape=tuple(grad.shape), shape2=tuple(theta.shape))
        )
    return theta, grad


class _Optimizer:
    _state_names: tuple[str, ...] = ()

    def _check_state(self, shape, fn: str) -> None:
        held = getattr(self, self._state_names[0])
        if held is not None and held.shape != shape:
            raise ValueError(
                _("{fn}: this optimizer holds state for parameters of shape {shape}, but step got "
                  "shape {shape2}. One optimizer object updates one array: make one per parameter "
                  "array, or call reset() to start again.").format(
                    fn=fn, shape=tuple(held.shape), shape2=tuple(shape))
            )

    def reset(self) -> None:
        """Forget the state (velocity, moments, step count), as a freshly built optimizer."""
        for name in self._state_names:
            setattr(self, name, None)
        self.t = 0


class SGD(_Optimizer):
    r"""SGD with momentum, exactly as ``torch.optim.SGD(params, lr, momentum)`` with its defaults
    ``dampening=0``, ``nesterov=False``, ``weight_decay=0``. From :math:`v_0 = 0`, each step is

    .. math:: v_t = \mu v_{t-1} + g_t, \qquad \theta_t = \theta_{t-1} - \eta\, v_t

    (``momentum=0`` is plain gradient descent, :math:`\theta_t = \theta_{t-1} - \eta g_t`).

    This is PyTorch's form. Sutskever et al. (2013), and many textbooks, put the learning rate
    inside the velocity: :math:`u_t = \mu u_{t-1} + \eta g_t`, :math:`\theta_t = \theta_{t-1} - u_t`.
    While :math:`\eta` stays fixed the two give the same path (:math:`u_t = \eta v_t`). When
    :math:`\eta` changes (a schedule), PyTorch's new rate multiplies the whole velocity, old
    gradients included, at once; the textbook form applies it only to gradients from then on.

    ``lr`` may be changed between steps (``opt.lr = ...``), as a scheduler changes
    ``param_groups[0]["lr"]``. ``velocity`` holds :math:`v` after the first step.
    """

    _state_names = ("velocity",)

    def __init__(self, lr: float, momentum: float = 0.0):
        self.lr = _check_number(lr, "lr", "SGD", 0.0, np.inf, True, N_("Use a small positive rate, such as 0.01."))
        self.momentum = _check_number(
            momentum, "momentum", "SGD", 0.0, 1.0, True,
            N_("0 is plain SGD and 0.9 is the usual choice; at 1 or more the velocity never forgets "
            "old gradients and grows without bound."),
        )  # fmt: skip
        self.reset()

    def step(self, theta, grad) -> np.ndarray:
        """One update of ``theta`` by its gradient ``grad``; returns the new parameters."""
        theta, grad = _pair(theta, grad, "SGD.step")
        _check_number(self.lr, "lr", "SGD.step", 0.0, np.inf, True, N_("Use a small positive rate, such as 0.01."))
        self._check_state(theta.shape, "SGD.step")
        self.t += 1
        if self.momentum == 0:
            return theta - self.lr * grad
        # PyTorch's first step sets the buffer to g itself, which is mu * 0 + g.
        self.velocity = grad.copy() if self.velocity is None else self.momentum * self.velocity + grad
        return theta - self.lr * self.velocity


class Adam(_Optimizer):
    r"""Adam, exactly as ``torch.optim.Adam(params, lr, betas=(beta1, beta2), eps)`` with its
    defaults ``weight_decay=0``, ``amsgrad=False`` (Kingma & Ba, 2015, Algorithm 1). From
    :math:`m_0 = v_0 = 0`, step :math:`t = 1, 2, \dots` is (squares, roots and division element
    by element)

    .. math::
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,

        \hat m_t = m_t / (1-\beta_1^t), \qquad \hat v_t = v_t / (1-\beta_2^t), \qquad
        \theta_t = \theta_{t-1} - \eta\, \hat m_t / (\sqrt{\hat v_t} + \varepsilon).

    The bias corrections undo the pull of the zero start: at :math:`t = 1`,
    :math:`\hat m_1 = g_1` and :math:`\hat v_1 = g_1^2`, so the first step is
    :math:`-\eta\, g_1 / (|g_1| + \varepsilon)`, a move of about :math:`\eta` against the sign of
    :math:`g_1`, whatever its size.
    :math:`\varepsilon` is added *after* the correction of :math:`v`, as PyTorch and the paper's
    Algorithm 1 do (the paper's faster variant in its section 2 adds it before, a slightly
    different step). ``m``, ``v`` and ``t`` hold the state after each step.
    """

    _state_names = ("m", "v")

    def __init__(self, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        self.lr = _check_number(lr, "lr", "Adam", 0.0, np.inf, True, N_("PyTorch's default is 0.001."))
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(
                _("Adam: betas must be a pair (beta1, beta2), such as (0.9, 0.999); got {betas!r}.").format(
                    betas=betas)
            )
        fix = N_("Each is the weight an average keeps on its past; the defaults are (0.9, 0.999).")
        self.beta1 = _check_number(betas[0], "betas[0]", "Adam", 0.0, 1.0, True, fix)
        self.beta2 = _check_number(betas[1], "betas[1]", "Adam", 0.0, 1.0, True, fix)
        self.eps = _check_number(eps, "eps", "Adam", 0.0, np.inf, True,
                                 N_("It only keeps the division finite; PyTorch's default is 1e-8."))  # fmt: skip
        self.reset()

    def step(self, theta, grad) -> np.ndarray:
        """One update of ``theta`` by its gradient ``grad``; returns the new parameters."""
        theta, grad = _pair(theta, grad, "Adam.step")
        _check_number(self.lr, "lr", "Adam.step", 0.0, np.inf, True, N_("PyTorch's default is 0.001."))
        self._check_state(theta.shape, "Adam.step")
        if self.m is None:
            self.m, self.v = np.zeros_like(theta), np.zeros_like(theta)
        self.t += 1
        self.m = self.beta1 * self.m + (1 - self.beta1) * grad
        self.v = self.beta2 * self.v + (1 - self.beta2) * grad**2
        m_hat = self.m / (1 - self.beta1**self.t)
        v_hat = self.v / (1 - self.beta2**self.t)
        return theta - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


def clip_grad_norm(grads, max_norm: float) -> tuple[list[np.ndarray], float]:
    r"""Rescale a list of gradients together so that their joint Euclidean norm is at most
    ``max_norm``; returns ``(clipped, norm_before)``. As ``torch.nn.utils.clip_grad_norm_(params,
    max_norm)`` (``norm_type=2``), which does this in place to each ``p.grad`` and returns the
    norm before clipping:

    .. math:: \lVert g\rVert = \Big(\sum_{\text{arrays}} \sum_i g_i^2\Big)^{1/2}, \qquad
              g \leftarrow g \cdot \min\!\Big(1, \frac{c}{\lVert g\rVert + 10^{-6}}\Big)

    The direction is kept; only the length changes, so a step of plain SGD is never longer than
    ``lr * max_norm``. The :math:`10^{-6}` (PyTorch's) keeps the division finite when the
    gradient is zero; it makes the clipped norm :math:`c\,\lVert g\rVert/(\lVert g\rVert + 10^{-6})`,
    a hair under :math:`c`.
    """
    max_norm = _check_number(max_norm, "max_norm", "clip_grad_norm", 0.0, np.inf, True,
                             N_("It is the largest gradient norm allowed, such as 1.0."), lo_open=True)  # fmt: skip
    if isinstance(grads, np.ndarray) or not isinstance(grads, (list, tuple)) or len(grads) == 0:
        raise ValueError(
            _("clip_grad_norm: grads must be a non-empty list of arrays (one per parameter), got "
                "{type}. For a single array g, pass [g].").format(type=type(grads).__name__)
        )
    arrays = [as_float_array(g, f"grads[{i}]", "clip_grad_norm") for i, g in enumerate(grads)]
    norm = float(np.sqrt(sum(np.sum(g**2) for g in arrays)))
    scale = min(1.0, max_norm / (norm + 1e-6))
    return [g * scale for g in arrays], norm

//! [`Expr`]: user-defined log-densities, their interpreter (the oracle of the JIT) and
//! their lowering onto the tape.

use crate::tape::T;
use expfam_kernels::Float;
use expfam_kernels::arch::generic::Vector;
use expfam_kernels::math::vector as vm;
use std::fmt;
use std::ops::{Add, Div, Mul, Neg, Sub};
use std::sync::Arc;

/// Why an expression cannot be evaluated or compiled.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub enum ExprError {
    /// A parameter has no value.
    Unbound(String),
    /// A parameter was given a NaN or infinite value.
    NotFinite {
        /// The parameter.
        param: String,
        /// Its value.
        value: f64,
    },
    /// A number was used where a condition is needed, or the reverse.
    Type {
        /// The operation whose operand has the wrong kind.
        op: &'static str,
        /// What it needs: `"number"` or `"condition"`.
        expected: &'static str,
    },
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExprError::Unbound(p) => write!(f, "parameter `{p}` has no value"),
            ExprError::NotFinite { param, value } => {
                write!(f, "parameter `{param}` = {value} is not finite")
            }
            ExprError::Type { op, expected } => write!(f, "`{op}` needs a {expected}"),
        }
    }
}

impl std::error::Error for ExprError {}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Un {
    Neg,
    Ln,
    Exp,
    Log1p,
    Lgamma,
    Sqrt,
    Abs,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bin {
    Add,
    Sub,
    Mul,
    Div,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    And,
    Or,
}

#[derive(Debug, PartialEq)]
enum Node {
    X,
    Const(f64),
    Param(String),
    Unary(Un, Expr),
    Binary(Bin, Expr, Expr),
    Powi(Expr, i32),
    Select(Expr, Expr, Expr),
}

/// A log-density written by the user: the data point `x`, named parameters, constants,
/// `+ − × ÷`, `ln`, `exp`, `log1p`, `lgamma`, `sqrt`, `abs`, integer powers, comparisons
/// and `select` (for supports). Cheap to clone (shared nodes).
///
/// [`Jit::compile_expr`](crate::Jit::compile_expr) binds the parameters, folds constants
/// and compiles it; [`Expr::eval`] is the interpreter the compiled code is tested
/// against (and the scalar path of its rare lanes).
///
/// ```
/// use expfam_jit::Expr;
/// // A Cauchy log-density: −ln π − ln s − ln(1 + ((x − m)/s)²).
/// let (x, m, s) = (Expr::x(), Expr::param("m"), Expr::param("s"));
/// let z = (x - m) / s.clone();
/// let e = -(std::f64::consts::PI.ln()) - s.ln() - z.powi(2).log1p();
/// let v = e.eval(1.0, &[("m", 0.0), ("s", 1.0)]).unwrap();
/// assert!((v - (-(2.0 * std::f64::consts::PI).ln())).abs() < 1e-15);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Expr(Arc<Node>);

/// A value of the interpreter.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Val<N, B> {
    Num(N),
    Bool(B),
}

fn need_num<N, B>(v: Val<N, B>, op: &'static str) -> Result<N, ExprError> {
    match v {
        Val::Num(n) => Ok(n),
        Val::Bool(_) => Err(ExprError::Type {
            op,
            expected: "number",
        }),
    }
}

fn need_bool<N, B>(v: Val<N, B>, op: &'static str) -> Result<B, ExprError> {
    match v {
        Val::Bool(b) => Ok(b),
        Val::Num(_) => Err(ExprError::Type {
            op,
            expected: "condition",
        }),
    }
}

impl Un {
    fn name(self) -> &'static str {
        match self {
            Un::Neg => "neg",
            Un::Ln => "ln",
            Un::Exp => "exp",
            Un::Log1p => "log1p",
            Un::Lgamma => "lgamma",
            Un::Sqrt => "sqrt",
            Un::Abs => "abs",
            Un::Not => "not",
        }
    }
    fn f64(self, a: f64) -> f64 {
        match self {
            Un::Neg => -a,
            Un::Ln => a.ln(),
            Un::Exp => a.exp(),
            Un::Log1p => a.ln_1p(),
            Un::Lgamma => {
                if a > 0.0 {
                    expfam_kernels::math::lgamma(a)
                } else {
                    a.lgamma_()
                }
            }
            Un::Sqrt => a.sqrt(),
            Un::Abs => a.abs(),
            Un::Not => f64::NAN,
        }
    }
}

impl Bin {
    fn name(self) -> &'static str {
        match self {
            Bin::Add => "+",
            Bin::Sub => "-",
            Bin::Mul => "*",
            Bin::Div => "/",
            Bin::Lt => "lt",
            Bin::Le => "le",
            Bin::Gt => "gt",
            Bin::Ge => "ge",
            Bin::Eq => "eq",
            Bin::And => "and",
            Bin::Or => "or",
        }
    }
    fn is_logic(self) -> bool {
        matches!(self, Bin::And | Bin::Or)
    }
    fn is_cmp(self) -> bool {
        matches!(self, Bin::Lt | Bin::Le | Bin::Gt | Bin::Ge | Bin::Eq)
    }
}

/// `x^n` by binary powering (the same multiplications in the interpreter and the JIT).
fn powi<V: Copy + Mul<Output = V> + Div<Output = V>>(x: V, n: i32, one: V) -> V {
    let mut e = n.unsigned_abs();
    let mut base = x;
    let mut acc: Option<V> = None;
    while e > 0 {
        if e & 1 == 1 {
            acc = Some(match acc {
                Some(a) => a * base,
                None => base,
            });
        }
        e >>= 1;
        if e > 0 {
            base = base * base;
        }
    }
    let p = acc.unwrap_or(one);
    if n < 0 { one / p } else { p }
}

impl Expr {
    fn new(n: Node) -> Expr {
        Expr(Arc::new(n))
    }
    /// The data point.
    pub fn x() -> Expr {
        Expr::new(Node::X)
    }
    /// A constant.
    pub fn constant(v: f64) -> Expr {
        Expr::new(Node::Const(v))
    }
    /// A named parameter, given a value by [`bind`](Self::bind) or [`eval`](Self::eval).
    pub fn param(name: &str) -> Expr {
        Expr::new(Node::Param(name.to_owned()))
    }
    fn un(self, op: Un) -> Expr {
        Expr::new(Node::Unary(op, self))
    }
    fn bin(self, op: Bin, o: Expr) -> Expr {
        Expr::new(Node::Binary(op, self, o))
    }
    /// `ln self`.
    pub fn ln(self) -> Expr {
        self.un(Un::Ln)
    }
    /// `e^self`.
    pub fn exp(self) -> Expr {
        self.un(Un::Exp)
    }
    /// `ln(1 + self)`.
    pub fn log1p(self) -> Expr {
        self.un(Un::Log1p)
    }
    /// `ln |Γ(self)|`.
    pub fn lgamma(self) -> Expr {
        self.un(Un::Lgamma)
    }
    /// `√self`.
    pub fn sqrt(self) -> Expr {
        self.un(Un::Sqrt)
    }
    /// `|self|`.
    pub fn abs(self) -> Expr {
        self.un(Un::Abs)
    }
    /// `self^n` by repeated multiplication (`n` may be negative).
    pub fn powi(self, n: i32) -> Expr {
        Expr::new(Node::Powi(self, n))
    }
    /// The condition `self < o`.
    pub fn lt(self, o: impl Into<Expr>) -> Expr {
        self.bin(Bin::Lt, o.into())
    }
    /// The condition `self <= o`.
    pub fn le(self, o: impl Into<Expr>) -> Expr {
        self.bin(Bin::Le, o.into())
    }
    /// The condition `self > o`.
    pub fn gt(self, o: impl Into<Expr>) -> Expr {
        self.bin(Bin::Gt, o.into())
    }
    /// The condition `self >= o`.
    pub fn ge(self, o: impl Into<Expr>) -> Expr {
        self.bin(Bin::Ge, o.into())
    }
    /// The condition `self == o`.
    pub fn equals(self, o: impl Into<Expr>) -> Expr {
        self.bin(Bin::Eq, o.into())
    }
    /// Both conditions.
    pub fn and(self, o: Expr) -> Expr {
        self.bin(Bin::And, o)
    }
    /// Either condition.
    pub fn or(self, o: Expr) -> Expr {
        self.bin(Bin::Or, o)
    }
    /// `cond ? a : b`.
    pub fn select(cond: Expr, a: impl Into<Expr>, b: impl Into<Expr>) -> Expr {
        Expr::new(Node::Select(cond, a.into(), b.into()))
    }

    /// Gives the parameters values (finite), leaving others unbound.
    pub fn bind(&self, params: &[(&str, f64)]) -> Result<Expr, ExprError> {
        for &(p, v) in params {
            if !v.is_finite() {
                return Err(ExprError::NotFinite {
                    param: p.to_owned(),
                    value: v,
                });
            }
        }
        Ok(self.map(&|n| match n {
            Node::Param(p) => params
                .iter()
                .find(|(q, _)| q == p)
                .map(|&(_, v)| Expr::constant(v)),
            _ => None,
        }))
    }

    /// Rebuilds the tree bottom-up, replacing leaves for which `f` returns a value.
    fn map(&self, f: &dyn Fn(&Node) -> Option<Expr>) -> Expr {
        if let Some(e) = f(&self.0) {
            return e;
        }
        match &*self.0 {
            Node::X | Node::Const(_) | Node::Param(_) => self.clone(),
            Node::Unary(op, a) => a.map(f).un(*op),
            Node::Binary(op, a, b) => a.map(f).bin(*op, b.map(f)),
            Node::Powi(a, n) => a.map(f).powi(*n),
            Node::Select(c, a, b) => Expr::select(c.map(f), a.map(f), b.map(f)),
        }
    }

    /// The unbound parameters, or a type error.
    pub fn check(&self) -> Result<(), ExprError> {
        self.kind()
            .and_then(|k| need_num(k, "expression"))
            .map(|_| ())
    }

    fn kind(&self) -> Result<Val<(), ()>, ExprError> {
        Ok(match &*self.0 {
            Node::X | Node::Const(_) => Val::Num(()),
            Node::Param(p) => return Err(ExprError::Unbound(p.clone())),
            Node::Unary(Un::Not, a) => Val::Bool(need_bool(a.kind()?, "not")?),
            Node::Unary(op, a) => Val::Num(need_num(a.kind()?, op.name())?),
            Node::Binary(op, a, b) if op.is_logic() => {
                need_bool(a.kind()?, op.name())?;
                Val::Bool(need_bool(b.kind()?, op.name())?)
            }
            Node::Binary(op, a, b) => {
                need_num(a.kind()?, op.name())?;
                need_num(b.kind()?, op.name())?;
                if op.is_cmp() {
                    Val::Bool(())
                } else {
                    Val::Num(())
                }
            }
            Node::Powi(a, _) => Val::Num(need_num(a.kind()?, "powi")?),
            Node::Select(c, a, b) => {
                need_bool(c.kind()?, "select")?;
                need_num(a.kind()?, "select")?;
                Val::Num(need_num(b.kind()?, "select")?)
            }
        })
    }

    /// The interpreter: the value at `x` with `params` bound (finite values).
    pub fn eval(&self, x: f64, params: &[(&str, f64)]) -> Result<f64, ExprError> {
        let e = self.bind(params)?;
        e.check()?;
        Ok(e.eval_checked(x))
    }

    /// Evaluates a checked expression (no parameters, kinds consistent).
    pub(crate) fn eval_checked(&self, x: f64) -> f64 {
        match self.interpret(x) {
            Val::Num(v) => v,
            Val::Bool(_) => f64::NAN,
        }
    }

    fn interpret(&self, x: f64) -> Val<f64, bool> {
        let num = |e: &Expr| match e.interpret(x) {
            Val::Num(v) => v,
            Val::Bool(_) => f64::NAN,
        };
        let cond = |e: &Expr| matches!(e.interpret(x), Val::Bool(true));
        match &*self.0 {
            Node::X => Val::Num(x),
            Node::Const(c) => Val::Num(*c),
            Node::Param(_) => Val::Num(f64::NAN),
            Node::Unary(Un::Not, a) => Val::Bool(!cond(a)),
            Node::Unary(op, a) => Val::Num(op.f64(num(a))),
            Node::Binary(op, a, b) => {
                if op.is_logic() {
                    let (p, q) = (cond(a), cond(b));
                    return Val::Bool(if *op == Bin::And { p && q } else { p || q });
                }
                let (p, q) = (num(a), num(b));
                match op {
                    Bin::Add => Val::Num(p + q),
                    Bin::Sub => Val::Num(p - q),
                    Bin::Mul => Val::Num(p * q),
                    Bin::Div => Val::Num(p / q),
                    Bin::Lt => Val::Bool(p < q),
                    Bin::Le => Val::Bool(p <= q),
                    Bin::Gt => Val::Bool(p > q),
                    Bin::Ge => Val::Bool(p >= q),
                    Bin::Eq | Bin::And | Bin::Or => Val::Bool(p == q),
                }
            }
            Node::Powi(a, n) => Val::Num(powi(num(a), *n, 1.0)),
            Node::Select(c, a, b) => Val::Num(if cond(c) { num(a) } else { num(b) }),
        }
    }

    // Float comparisons in guards (`z == 0.0` also matches −0.0, which is wanted).
    #[allow(clippy::redundant_guards)]
    /// Constant folding: subtrees without `x` become constants (through the
    /// interpreter), `select` on a constant condition keeps one side, and `e + 0`,
    /// `e − 0`, `e · 1`, `e / 1`, `e^1` become `e`. Unbound parameters stay.
    pub fn fold(&self) -> Expr {
        let c = |e: &Expr| match &*e.0 {
            Node::Const(v) => Some(*v),
            _ => None,
        };
        let folded = match &*self.0 {
            Node::X | Node::Const(_) | Node::Param(_) => return self.clone(),
            Node::Unary(op, a) => a.fold().un(*op),
            Node::Binary(op, a, b) => {
                let (a, b) = (a.fold(), b.fold());
                match (op, c(&a), c(&b)) {
                    (Bin::Add | Bin::Sub, _, Some(z)) if z == 0.0 => return a,
                    (Bin::Mul | Bin::Div, _, Some(o)) if o == 1.0 => return a,
                    (Bin::Add, Some(z), _) if z == 0.0 => return b,
                    (Bin::Mul, Some(o), _) if o == 1.0 => return b,
                    _ => a.bin(*op, b),
                }
            }
            Node::Powi(a, 1) => return a.fold(),
            Node::Powi(a, n) => a.fold().powi(*n),
            Node::Select(s, a, b) => {
                let s = s.fold();
                if !s.has_x() && !s.has_param() {
                    return if s.interpret(0.0) == Val::Bool(true) {
                        a.fold()
                    } else {
                        b.fold()
                    };
                }
                Expr::select(s, a.fold(), b.fold())
            }
        };
        if folded.has_x() || folded.has_param() || folded.kind().is_err() {
            return folded;
        }
        match folded.interpret(0.0) {
            Val::Num(v) => Expr::constant(v),
            Val::Bool(_) => folded,
        }
    }

    fn any(&self, p: &dyn Fn(&Node) -> bool) -> bool {
        if p(&self.0) {
            return true;
        }
        match &*self.0 {
            Node::X | Node::Const(_) | Node::Param(_) => false,
            Node::Unary(_, a) | Node::Powi(a, _) => a.any(p),
            Node::Binary(_, a, b) => a.any(p) || b.any(p),
            Node::Select(s, a, b) => s.any(p) || a.any(p) || b.any(p),
        }
    }

    fn has_x(&self) -> bool {
        self.any(&|n| matches!(n, Node::X))
    }

    fn has_param(&self) -> bool {
        self.any(&|n| matches!(n, Node::Param(_)))
    }

    /// Number of nodes (counting shared subtrees once per use).
    pub fn size(&self) -> usize {
        match &*self.0 {
            Node::X | Node::Const(_) | Node::Param(_) => 1,
            Node::Unary(_, a) | Node::Powi(a, _) => 1 + a.size(),
            Node::Binary(_, a, b) => 1 + a.size() + b.size(),
            Node::Select(s, a, b) => 1 + s.size() + a.size() + b.size(),
        }
    }

    /// Records a checked expression on the active tape over data column `col`; lanes
    /// outside the domain of an inline function are ORed into `special`.
    pub(crate) fn lower(&self, col: u16, special: &mut T) -> T {
        match self.lower_val(col, special) {
            Val::Num(v) | Val::Bool(v) => v,
        }
    }

    fn lower_val(&self, col: u16, special: &mut T) -> Val<T, T> {
        let num = |e: &Expr, s: &mut T| match e.lower_val(col, s) {
            Val::Num(v) | Val::Bool(v) => v,
        };
        let flag = |s: &mut T, m: T| *s = T::or(*s, m);
        Val::Num(match &*self.0 {
            Node::X => T::input(col),
            Node::Const(c) => T::splat(*c),
            Node::Param(_) => T::splat(f64::NAN),
            Node::Unary(op, a) => {
                let a = num(a, special);
                match op {
                    Un::Neg => -a,
                    Un::Ln => {
                        flag(special, vm::ln_special(a));
                        vm::ln_core(a)
                    }
                    Un::Exp => {
                        flag(special, vm::exp_special(a));
                        vm::exp_core(a)
                    }
                    Un::Log1p => {
                        flag(special, vm::ln_1p_special(a));
                        vm::ln_1p_core(a)
                    }
                    Un::Lgamma => {
                        flag(special, vm::lgamma_special(a));
                        vm::lgamma_core(a)
                    }
                    Un::Sqrt => a.sqrt(),
                    Un::Abs => a.abs(),
                    Un::Not => return Val::Bool(T::not(a)),
                }
            }
            Node::Binary(op, a, b) => {
                let (p, q) = (num(a, special), num(b, special));
                return match op {
                    Bin::Add => Val::Num(p + q),
                    Bin::Sub => Val::Num(p - q),
                    Bin::Mul => Val::Num(p * q),
                    Bin::Div => Val::Num(p / q),
                    Bin::Lt => Val::Bool(T::lt(p, q)),
                    Bin::Le => Val::Bool(T::le(p, q)),
                    Bin::Gt => Val::Bool(T::lt(q, p)),
                    Bin::Ge => Val::Bool(T::le(q, p)),
                    Bin::Eq => Val::Bool(<T as Vector>::eq(p, q)),
                    Bin::And => Val::Bool(T::and(p, q)),
                    Bin::Or => Val::Bool(T::or(p, q)),
                };
            }
            Node::Powi(a, n) => powi(num(a, special), *n, T::splat(1.0)),
            Node::Select(c, a, b) => {
                let c = num(c, special);
                T::select(c, num(a, special), num(b, special))
            }
        })
    }
}

impl From<f64> for Expr {
    fn from(v: f64) -> Expr {
        Expr::constant(v)
    }
}

macro_rules! expr_op {
    ($tr:ident, $f:ident, $op:ident) => {
        impl $tr for Expr {
            type Output = Expr;
            fn $f(self, o: Expr) -> Expr {
                self.bin(Bin::$op, o)
            }
        }
        impl $tr<f64> for Expr {
            type Output = Expr;
            fn $f(self, o: f64) -> Expr {
                self.bin(Bin::$op, Expr::constant(o))
            }
        }
        impl $tr<Expr> for f64 {
            type Output = Expr;
            fn $f(self, o: Expr) -> Expr {
                Expr::constant(self).bin(Bin::$op, o)
            }
        }
    };
}
expr_op!(Add, add, Add);
expr_op!(Sub, sub, Sub);
expr_op!(Mul, mul, Mul);
expr_op!(Div, div, Div);

/// The negated condition.
impl std::ops::Not for Expr {
    type Output = Expr;
    fn not(self) -> Expr {
        self.un(Un::Not)
    }
}

impl Neg for Expr {
    type Output = Expr;
    fn neg(self) -> Expr {
        self.un(Un::Neg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_parameter_work() {
        let e = (Expr::x() - Expr::param("m")) * (1.0 / Expr::param("s"))
            + (Expr::param("s").ln() * 1.0);
        let f = e.bind(&[("m", 1.0), ("s", 2.0)]).unwrap().fold();
        assert_eq!(f, (Expr::x() - 1.0) * 0.5 + Expr::constant(2f64.ln()));
        assert_eq!(
            f.eval_checked(3.0),
            e.eval(3.0, &[("m", 1.0), ("s", 2.0)]).unwrap()
        );
    }

    #[test]
    fn errors_are_typed() {
        assert_eq!(
            Expr::param("k").eval(1.0, &[]),
            Err(ExprError::Unbound("k".into()))
        );
        assert!(matches!(
            Expr::x().ln().eval(1.0, &[("k", f64::NAN)]),
            Err(ExprError::NotFinite { .. })
        ));
        assert!(matches!(
            (Expr::x().lt(0.0) + 1.0).check(),
            Err(ExprError::Type { op: "+", .. })
        ));
        assert!(matches!(
            Expr::select(Expr::x(), 1.0, 2.0).check(),
            Err(ExprError::Type {
                op: "select",
                expected: "condition"
            })
        ));
    }

    #[test]
    fn powi_matches_repeated_products() {
        for n in -5..=6 {
            let want = 1.5f64.powi(n);
            assert!((powi(1.5, n, 1.0) - want).abs() <= 4.0 * f64::EPSILON * want);
        }
    }
}

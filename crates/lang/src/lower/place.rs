//! Places in memory: a static, a field or element of it, or what a guard,
//! `&Cell` or raw pointer points at; and reading and writing them cell by
//! cell (a struct copy is several loads, each one a step that can be
//! preempted).

use irqlab_sim::{Access, Index, Location, Op, Operand, Span};

use super::{FnBuilder, LocalPlace, Place, R};
use crate::errors;
use crate::types::{LTy, Leaf};

/// How the code reached a place, which decides what it may do with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Perm {
    /// A `static mut`: anything, inside `unsafe`.
    StaticMut,
    /// An element of a `static mut` array (or a field of one), or what a
    /// `&mut` to one points at: anything, and no `static_mut_refs` error,
    /// since rustc's lint looks through fields but not through an index.
    StaticMutElement,
    /// A plain `static`: read only (interior mutability aside).
    Static,
    /// Through a `RefMut` guard.
    GuardMut,
    /// Through a `Ref` guard.
    GuardShared,
    /// Through `&T` (`Mutex::borrow`, `&Cell`).
    Shared,
    RawMut,
    RawConst,
}

#[derive(Clone, Debug)]
pub struct MemPlace {
    pub base: Location,
    pub index: Option<Index>,
    pub ty: LTy,
    pub perm: Perm,
    /// The static this place is in.
    pub static_idx: usize,
    /// How the learner writes it: `STATE.head`, `BUF[_]`.
    pub path: String,
    /// Volatile accesses (`read_volatile`/`write_volatile`).
    pub volatile: bool,
    /// The value of `&place` / `&mut place`: a `let` binds the reference,
    /// not a copy of what it points at.
    pub borrowed: bool,
}

impl MemPlace {
    pub(super) fn at(&self, offset: u32) -> irqlab_sim::Place {
        irqlab_sim::Place { base: Location(self.base.0 + offset), index: self.index }
    }

    pub fn sim_place(&self) -> irqlab_sim::Place {
        self.at(0)
    }

    pub fn with(&self, offset: u32, ty: LTy, path: String) -> MemPlace {
        MemPlace {
            base: Location(self.base.0 + offset),
            index: self.index,
            ty,
            perm: self.perm,
            static_idx: self.static_idx,
            path,
            volatile: self.volatile,
            borrowed: false,
        }
    }
}

impl FnBuilder<'_, '_> {
    pub fn leaves_of(&self, ty: &LTy) -> Vec<Leaf> {
        let mut out = Vec::new();
        ty.leaves(&self.cx.structs, "", &mut out);
        out.into_iter().map(|(_, l)| l).collect()
    }

    /// Copies a place's value out of memory (one step per cell).
    pub fn load(&mut self, p: &MemPlace, span: &Span) -> R<(Vec<irqlab_sim::Operand>, LTy)> {
        if !p.ty.is_copy(&self.cx.structs) {
            let name = &self.cx.statics[p.static_idx].name;
            let what = if matches!(p.perm, Perm::StaticMut | Perm::StaticMutElement | Perm::Static) {
                format!("cannot move out of static item `{name}`")
            } else {
                format!("cannot move out of `{}`, which is behind a shared reference", p.path)
            };
            return Err(self.err(crate::diagnostic::Diagnostic::error(what, span.clone()).code("E0507").label(
                format!(
                    "move occurs because value has type `{}`, which does not implement the `Copy` trait",
                    p.ty.name(&self.cx.structs)
                ),
            )));
        }
        let access = if p.volatile { Access::Volatile } else { Access::Plain };
        let mut ops = Vec::new();
        for (i, leaf) in self.leaves_of(&p.ty).into_iter().enumerate() {
            let dst = self.temp(leaf.ty());
            self.emit(Op::Load { dst, place: p.at(i as u32), access }, span);
            ops.push(Operand::Local(dst));
        }
        Ok((ops, p.ty.clone()))
    }

    /// Writes a value into a place (one step per cell), after checking the
    /// code may write there.
    pub fn store(&mut self, p: &MemPlace, ops: &[Operand], span: &Span) {
        let access = if p.volatile { Access::Volatile } else { Access::Plain };
        for (i, op) in ops.iter().enumerate() {
            self.emit(Op::Store { place: p.at(i as u32), src: *op, access }, span);
        }
    }

    /// Whether the code may assign to `p`; records the rustc error if not.
    pub fn check_writable(&mut self, p: &Place, assign: &Span) -> R<()> {
        match p {
            Place::Local(lp) => {
                if !lp.mutable {
                    return Err(self.err(not_mutable_local(lp, assign)));
                }
                Ok(())
            }
            Place::Mem(mp) => match mp.perm {
                Perm::StaticMut | Perm::StaticMutElement | Perm::GuardMut | Perm::RawMut => Ok(()),
                Perm::Static => {
                    let s = &self.cx.statics[mp.static_idx];
                    let d = errors::assign_to_static(&mp.path, &s.name, assign.clone(), s.decl_span.clone());
                    Err(self.err(d))
                }
                Perm::GuardShared => {
                    Err(self.err(errors::assign_through_shared("a dereference of `Ref<'_, _>`", assign.clone())))
                }
                Perm::Shared => Err(self.err(errors::assign_through_shared("a `&` reference", assign.clone()))),
                Perm::RawConst => Err(self.err(errors::assign_through_shared("a `*const` pointer", assign.clone()))),
            },
        }
    }

    /// `place.field`.
    pub fn field(&mut self, p: Place, field: &str, span: &Span) -> R<Place> {
        let ty = match &p {
            Place::Mem(m) => m.ty.clone(),
            Place::Local(l) => l.ty.clone(),
        };
        let fields: Vec<(String, LTy)> = match &ty {
            LTy::Struct(si) => self.cx.structs[*si].fields.clone(),
            LTy::Tuple(ts) => ts.iter().enumerate().map(|(i, t)| (i.to_string(), t.clone())).collect(),
            _ => return Err(self.err(super::expr::no_field(field, &ty.name(&self.cx.structs), span))),
        };
        let mut offset = 0;
        for (name, fty) in &fields {
            if name == field {
                return Ok(match p {
                    Place::Mem(m) => {
                        let path = format!("{}.{field}", m.path);
                        Place::Mem(m.with(offset, fty.clone(), path))
                    }
                    Place::Local(l) => {
                        let n = fty.slots(&self.cx.structs) as usize;
                        Place::Local(LocalPlace {
                            name: format!("{}.{field}", l.name),
                            slots: l.slots[offset as usize..offset as usize + n].to_vec(),
                            ty: fty.clone(),
                            mutable: l.mutable,
                        })
                    }
                });
            }
            offset += fty.slots(&self.cx.structs);
        }
        let d = super::expr::no_field(field, &ty.name(&self.cx.structs), span);
        let names: Vec<String> = fields.into_iter().map(|(n, _)| n).collect();
        Err(self.err(d.note(super::expr::available(&names))))
    }

    /// `place[index]`: a constant index is checked now, a variable one by
    /// the machine (it panics like Rust when out of bounds).
    pub fn index(&mut self, p: Place, index: Operand, span: &Span) -> R<Place> {
        let ty = match &p {
            Place::Mem(m) => m.ty.clone(),
            Place::Local(l) => l.ty.clone(),
        };
        let LTy::Array(elem, len) = ty else {
            return Err(self.err(
                crate::diagnostic::Diagnostic::error(
                    format!("cannot index into a value of type `{}`", ty.name(&self.cx.structs)),
                    span.clone(),
                )
                .code("E0608"),
            ));
        };
        let stride = elem.slots(&self.cx.structs);
        if let Operand::Const(c) = index
            && c >= u64::from(len)
        {
            return Err(self.err(
                crate::diagnostic::Diagnostic::error("this operation will panic at runtime", span.clone())
                    .label(format!("index out of bounds: the length is {len} but the index is {c}")),
            ));
        }
        // rustc's `static_mut_refs` lint looks through fields, not through
        // an index: `&mut SLOTS[i]` and `SLOTS[i].clone()` are accepted.
        let p = match p {
            Place::Mem(mut m) if m.perm == Perm::StaticMut => {
                m.perm = Perm::StaticMutElement;
                Place::Mem(m)
            }
            other => other,
        };
        match (p, index) {
            (Place::Mem(m), Operand::Const(c)) => {
                let path = format!("{}[{c}]", m.path);
                Ok(Place::Mem(m.with(c as u32 * stride, *elem, path)))
            }
            (Place::Local(l), Operand::Const(c)) => {
                let start = (c as u32 * stride) as usize;
                Ok(Place::Local(LocalPlace {
                    name: format!("{}[{c}]", l.name),
                    slots: l.slots[start..start + stride as usize].to_vec(),
                    ty: *elem,
                    mutable: l.mutable,
                }))
            }
            (Place::Mem(m), Operand::Local(_)) if m.index.is_none() && stride > 0 => {
                let path = format!("{}[_]", m.path);
                let mut inner = m.with(0, *elem, path);
                inner.index = Some(Index { index, len, stride });
                Ok(Place::Mem(inner))
            }
            _ => Err(self.err(errors::unsupported_with(
                "this indexing",
                span.clone(),
                "index one array with a variable at a time; local arrays take constant indices only",
            ))),
        }
    }
}

fn not_mutable_local(lp: &LocalPlace, span: &Span) -> crate::diagnostic::Diagnostic {
    crate::diagnostic::Diagnostic::error(
        format!("cannot assign twice to immutable variable `{}`", lp.name),
        span.clone(),
    )
    .code("E0384")
    .label("cannot assign twice to immutable variable")
    .advise(format!("declare it with `let mut {}`", lp.name))
}

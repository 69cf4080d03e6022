# Base-type references inside location lists (DW_OP_convert and DW_OP_regval_type name a base
# type by its offset in the unit; DW_OP_const_type and DW_OP_deref_type do too, but
# llvm-dwarfdump-22 cannot decode those, so the checker could not see them). The code is
# clang-22's for base-types-code.c (-O1 -g0 -S); the DWARF 5 below is written by hand so that the
# base types come after the subprograms: when the layout splits main and narrow, their
# low_pc/high_pc become DW_AT_ranges, the subprogram DIEs shrink and the base types move.
	.text
	.globl	main                            # -- Begin function main
	.p2align	4
	.type	main,@function
main:                                   # @main
	.cfi_startproc
# %bb.0:
	pushq	%rbp
	.cfi_def_cfa_offset 16
	pushq	%r14
	.cfi_def_cfa_offset 24
	pushq	%rbx
	.cfi_def_cfa_offset 32
	.cfi_offset %rbx, -32
	.cfi_offset %r14, -24
	.cfi_offset %rbp, -16
	movl	%edi, %ebp
	addl	$50, %ebp
	je	.LBB0_1
# %bb.3:
	xorl	%r14d, %r14d
	xorl	%ebx, %ebx
	.p2align	4
.LBB0_4:                                # =>This Inner Loop Header: Depth=1
	movl	%r14d, %edi
	callq	narrow
	addl	%eax, %ebx
	addl	$31, %r14d
	decl	%ebp
	jne	.LBB0_4
	jmp	.LBB0_2
.LBB0_1:
	xorl	%ebx, %ebx
.LBB0_2:
	leaq	.L.str(%rip), %rdi
	movl	%ebx, %esi
	xorl	%eax, %eax
	callq	printf@PLT
	xorl	%eax, %eax
	popq	%rbx
	.cfi_def_cfa_offset 24
	popq	%r14
	.cfi_def_cfa_offset 16
	popq	%rbp
	.cfi_def_cfa_offset 8
	retq
.Lfunc_end0:
	.size	main, .Lfunc_end0-main
	.cfi_endproc
                                        # -- End function
	.p2align	4                               # -- Begin function narrow
	.type	narrow,@function
narrow:                                 # @narrow
	.cfi_startproc
# %bb.0:
	pushq	%rbx
	.cfi_def_cfa_offset 16
	.cfi_offset %rbx, -16
	movl	%edi, %ebx
	cmpl	$100001, %edi                   # imm = 0x186A1
	jb	.LBB1_2
# %bb.1:
	leaq	.L.str.1(%rip), %rdi
	callq	puts@PLT
.LBB1_2:
	leal	(,%rbx,8), %eax
	subl	%ebx, %eax
	movzbl	%al, %eax
	popq	%rbx
	.cfi_def_cfa_offset 8
	retq
.Lfunc_end1:
	.size	narrow, .Lfunc_end1-narrow
	.cfi_endproc
                                        # -- End function
	.type	.L.str,@object                  # @.str
	.section	.rodata.str1.1,"aMS",@progbits,1
.L.str:
	.asciz	"checksum %u\n"
	.size	.L.str, 13

	.type	.L.str.1,@object                # @.str.1
.L.str.1:
	.asciz	"large"
	.size	.L.str.1, 6

	.section	.debug_abbrev,"",@progbits
	.uleb128 1			# compile unit
	.uleb128 0x11, 1		# DW_TAG_compile_unit, children
	.uleb128 0x25, 0x08		# DW_AT_producer, DW_FORM_string
	.uleb128 0x13, 0x05		# DW_AT_language, DW_FORM_data2
	.uleb128 0x03, 0x08		# DW_AT_name, DW_FORM_string
	.uleb128 0x11, 0x01		# DW_AT_low_pc, DW_FORM_addr
	.uleb128 0x12, 0x06		# DW_AT_high_pc, DW_FORM_data4
	.byte	0, 0
	.uleb128 2			# a function
	.uleb128 0x2e, 1		# DW_TAG_subprogram, children
	.uleb128 0x03, 0x08		# DW_AT_name, DW_FORM_string
	.uleb128 0x11, 0x01		# DW_AT_low_pc, DW_FORM_addr
	.uleb128 0x12, 0x06		# DW_AT_high_pc, DW_FORM_data4
	.byte	0, 0
	.uleb128 3			# a variable with a location list
	.uleb128 0x34, 0		# DW_TAG_variable, no children
	.uleb128 0x03, 0x08		# DW_AT_name, DW_FORM_string
	.uleb128 0x49, 0x13		# DW_AT_type, DW_FORM_ref4
	.uleb128 0x02, 0x17		# DW_AT_location, DW_FORM_sec_offset
	.byte	0, 0
	.uleb128 4			# a base type
	.uleb128 0x24, 0		# DW_TAG_base_type, no children
	.uleb128 0x03, 0x08		# DW_AT_name, DW_FORM_string
	.uleb128 0x3e, 0x0b		# DW_AT_encoding, DW_FORM_data1
	.uleb128 0x0b, 0x0b		# DW_AT_byte_size, DW_FORM_data1
	.byte	0, 0
	.byte	0

	.section	.debug_info,"",@progbits
.Lcu_begin:
	.long	.Lcu_end - .Lcu_version
.Lcu_version:
	.short	5			# DWARF 5
	.byte	1			# DW_UT_compile
	.byte	8			# address size
	.long	.debug_abbrev
	.uleb128 1
	.asciz	"hand-written DWARF 5"
	.short	0x1d			# DW_LANG_C11
	.asciz	"base-types-code.c"
	.quad	main
	.long	.Lfunc_end1 - main
	.uleb128 2
	.asciz	"main"
	.quad	main
	.long	.Lfunc_end0 - main
	.byte	0			# end of main
	.uleb128 2
	.asciz	"narrow"
	.quad	narrow
	.long	.Lfunc_end1 - narrow
	.uleb128 3
	.asciz	"converted"
	.long	.Lu8 - .Lcu_begin
	.long	.Lloc_convert
	.uleb128 3
	.asciz	"typed_register"
	.long	.Lu32 - .Lcu_begin
	.long	.Lloc_regval
	.byte	0			# end of narrow
.Lu32:
	.uleb128 4
	.asciz	"uint32"
	.byte	0x08			# DW_ATE_unsigned
	.byte	4
.Lu8:
	.uleb128 4
	.asciz	"uint8"
	.byte	0x08
	.byte	1
	.byte	0			# end of the unit
.Lcu_end:

	.section	.debug_loclists,"",@progbits
	.long	.Lloclists_end - .Lloclists_version
.Lloclists_version:
	.short	5
	.byte	8			# address size
	.byte	0			# segment selector size
	.long	0			# no offset table
.Lloc_convert:				# (uint8)(uint32)RAX
	.byte	0x07			# DW_LLE_start_end
	.quad	narrow
	.quad	.Lfunc_end1
	.uleb128 .Lconvert_end - .Lconvert
.Lconvert:
	.byte	0x70, 0			# DW_OP_breg0 RAX+0
	.byte	0xa8			# DW_OP_convert
	.uleb128 .Lu32 - .Lcu_begin
	.byte	0xa8			# DW_OP_convert
	.uleb128 .Lu8 - .Lcu_begin
	.byte	0x9f			# DW_OP_stack_value
.Lconvert_end:
	.byte	0			# DW_LLE_end_of_list
.Lloc_regval:				# RBX as a uint32
	.byte	0x07
	.quad	narrow
	.quad	.Lfunc_end1
	.uleb128 .Lregval_end - .Lregval
.Lregval:
	.byte	0xa5			# DW_OP_regval_type
	.uleb128 3			# RBX
	.uleb128 .Lu32 - .Lcu_begin
	.byte	0x9f
.Lregval_end:
	.byte	0
.Lloclists_end:

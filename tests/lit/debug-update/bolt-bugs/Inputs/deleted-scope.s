# A scope whose only code the layout deletes: in pick, the NOPs after the jump are reached by
# nothing, so the rewriter leaves them out; the lexical block covering just them must then get no
# range at all (no invented [0, 0) or [x, x)). The other lexical block covers real code, with a
# high_pc of class constant (a length). Hand-written DWARF 5 (no line table).
	.text
	.globl	main
	.type	main,@function
main:
	.cfi_startproc
	pushq	%rbx
	.cfi_def_cfa_offset 16
	movl	%edi, %ebx
	call	pick
	addl	%ebx, %eax
	andl	$1, %eax
	popq	%rbx
	.cfi_def_cfa_offset 8
	ret
	.cfi_endproc
.Lmain_end:
	.size	main, .Lmain_end - main

	.type	pick,@function
pick:
	.cfi_startproc
.Lkept_begin:
	testl	%edi, %edi
	je	.Lzero
	movl	$7, %eax
	jmp	.Ldone
.Lpadding_begin:
	nop
	nop
	nop
.Lpadding_end:
.Lzero:
	movl	$9, %eax
.Ldone:
	ret
.Lkept_end:
	.cfi_endproc
.Lpick_end:
	.size	pick, .Lpick_end - pick

	.section	.debug_abbrev,"",@progbits
	.uleb128 1
	.uleb128 0x11, 1		# DW_TAG_compile_unit, children
	.uleb128 0x03, 0x08		# DW_AT_name, DW_FORM_string
	.uleb128 0x11, 0x01		# DW_AT_low_pc, DW_FORM_addr
	.uleb128 0x12, 0x06		# DW_AT_high_pc, DW_FORM_data4
	.byte	0, 0
	.uleb128 2
	.uleb128 0x2e, 1		# DW_TAG_subprogram, children
	.uleb128 0x03, 0x08		# DW_AT_name, DW_FORM_string
	.uleb128 0x11, 0x01		# DW_AT_low_pc, DW_FORM_addr
	.uleb128 0x12, 0x06		# DW_AT_high_pc, DW_FORM_data4
	.byte	0, 0
	.uleb128 3
	.uleb128 0x0b, 0		# DW_TAG_lexical_block, no children
	.uleb128 0x11, 0x01		# DW_AT_low_pc, DW_FORM_addr
	.uleb128 0x12, 0x06		# DW_AT_high_pc, DW_FORM_data4
	.byte	0, 0
	.byte	0

	.section	.debug_info,"",@progbits
.Lcu_begin:
	.long	.Lcu_end - .Lcu_version
.Lcu_version:
	.short	5
	.byte	1			# DW_UT_compile
	.byte	8
	.long	.debug_abbrev
	.uleb128 1
	.asciz	"deleted-scope.s"
	.quad	main
	.long	.Lpick_end - main
	.uleb128 2
	.asciz	"main"
	.quad	main
	.long	.Lmain_end - main
	.byte	0
	.uleb128 2
	.asciz	"pick"
	.quad	pick
	.long	.Lpick_end - pick
	.uleb128 3			# the lexical block of the deleted padding
	.quad	.Lpadding_begin
	.long	.Lpadding_end - .Lpadding_begin
	.uleb128 3			# a lexical block of kept code
	.quad	.Lkept_begin
	.long	.Lkept_end - .Lkept_begin
	.byte	0
	.byte	0
.Lcu_end:
	.section	".note.GNU-stack","",@progbits

# DW_FORM_addrx1, addrx2, addrx3, addrx4, data16, indirect and implicit_const, which compilers do
# not emit on their own. The code is clang-22's for forms-code.c (-O1 -gline-tables-only
# -gdwarf-5 -fno-inline -S; its .loc directives make the line table); .debug_abbrev,
# .debug_info and .debug_addr below are written by hand: the unit's low_pc is addrx1, the
# subprograms one, two, three and four have low_pc addrx1, addrx2, addrx3 and addrx4, main's
# attributes are all DW_FORM_indirect, main holds a variable whose DW_AT_const_value is data16,
# and the base type's byte size is implicit_const.
	.file	"forms-code.c"
	.file	0 "." "forms-code.c" md5 0x2443b305131839a5c10835613bd69076
	.text
	.globl	main                            # -- Begin function main
	.p2align	4
	.type	main,@function
main:                                   # @main
.Lfunc_begin0:
	.loc	0 8 0                           # forms-code.c:8:0
	.cfi_startproc
# %bb.0:
	pushq	%rbp
	.cfi_def_cfa_offset 16
	pushq	%r15
	.cfi_def_cfa_offset 24
	pushq	%r14
	.cfi_def_cfa_offset 32
	pushq	%r12
	.cfi_def_cfa_offset 40
	pushq	%rbx
	.cfi_def_cfa_offset 48
	.cfi_offset %rbx, -48
	.cfi_offset %r12, -40
	.cfi_offset %r14, -32
	.cfi_offset %r15, -24
	.cfi_offset %rbp, -16
.Ltmp0:
	xorl	%r15d, %r15d
.Ltmp1:
	.loc	0 10 21 prologue_end            # forms-code.c:10:21
	cmpl	$-39, %edi
.Ltmp2:
	.loc	0 10 3                          # forms-code.c:10:3
	jl	.LBB0_1
.Ltmp3:
# %bb.3:
	.loc	0 0 3 is_stmt 0                 # forms-code.c:0:3
	movl	%edi, %ebx
	.loc	0 10 3                          # forms-code.c:10:3
	addl	$39, %ebx
	testl	%ebx, %ebx
	cmovlel	%r15d, %ebx
	incl	%ebx
	xorl	%r14d, %r14d
.Ltmp4:
	.loc	0 0 3                           # :0:3
.Ltmp5:
	.p2align	4
.LBB0_4:                                # =>This Inner Loop Header: Depth=1
	.loc	0 10 44 is_stmt 1               # forms-code.c:10:44
	movl	%r15d, %edi
	callq	one
.Ltmp6:
	.loc	0 10 44                         # forms-code.c:10:44
	movl	%eax, %ebp
	.loc	0 10 53 is_stmt 0               # forms-code.c:10:53
	movl	%r15d, %edi
	callq	two
.Ltmp7:
	.loc	0 10 53 is_stmt 1               # forms-code.c:10:53
	movl	%eax, %r12d
	.loc	0 10 51 is_stmt 0               # forms-code.c:10:51
	addl	%ebp, %r12d
	.loc	0 10 62                         # forms-code.c:10:62
	movl	%r15d, %edi
	callq	three
.Ltmp8:
	.loc	0 10 62 is_stmt 1               # forms-code.c:10:62
	movl	%eax, %ebp
	.loc	0 10 73 is_stmt 0               # forms-code.c:10:73
	movl	%r15d, %edi
	callq	four
.Ltmp9:
	.loc	0 10 60 is_stmt 1               # forms-code.c:10:60
	addl	%ebp, %eax
	.loc	0 10 71 is_stmt 0               # forms-code.c:10:71
	addl	%r12d, %eax
	.loc	0 10 44                         # forms-code.c:10:44
	cltq
	.loc	0 10 41                         # forms-code.c:10:41
	addq	%rax, %r14
.Ltmp10:
	.loc	0 10 35 is_stmt 1               # forms-code.c:10:35
	incl	%r15d
.Ltmp11:
	.loc	0 10 21                         # forms-code.c:10:21
	cmpl	%r15d, %ebx
.Ltmp12:
	.loc	0 10 3                          # forms-code.c:10:3
	jne	.LBB0_4
	jmp	.LBB0_2
.Ltmp13:
.LBB0_1:
	.loc	0 0 3 is_stmt 0                 # forms-code.c:0:3
	xorl	%r14d, %r14d
.Ltmp14:
.LBB0_2:
	.loc	0 11 3 is_stmt 1                # forms-code.c:11:3
	leaq	.L.str(%rip), %rdi
	movq	%r14, %rsi
	xorl	%eax, %eax
	callq	printf@PLT
.Ltmp15:
	.loc	0 12 3                          # forms-code.c:12:3
	xorl	%eax, %eax
	.loc	0 12 3 epilogue_begin is_stmt 0 # forms-code.c:12:3
	popq	%rbx
	.cfi_def_cfa_offset 40
	popq	%r12
	.cfi_def_cfa_offset 32
	popq	%r14
	.cfi_def_cfa_offset 24
	popq	%r15
	.cfi_def_cfa_offset 16
	popq	%rbp
	.cfi_def_cfa_offset 8
	retq
.Ltmp16:
.Lfunc_end0:
	.size	main, .Lfunc_end0-main
	.cfi_endproc
	.file	1 "/usr/include" "stdio.h" md5 0xb5a90985555f47bfb88eff5a8f0f5b72
                                        # -- End function
	.p2align	4                               # -- Begin function one
	.type	one,@function
one:                                    # @one
.Lfunc_begin1:
	.cfi_startproc
# %bb.0:
                                        # kill: def $edi killed $edi def $rdi
	.loc	0 4 57 prologue_end is_stmt 1   # forms-code.c:4:57
	leal	1(%rdi), %ecx
	cmpl	$6, %edi
	leal	(%rdi,%rdi,2), %eax
	cmovll	%ecx, %eax
.Ltmp17:
	.loc	0 4 90                          # forms-code.c:4:90
	retq
.Ltmp18:
.Lfunc_end1:
	.size	one, .Lfunc_end1-one
	.cfi_endproc
                                        # -- End function
	.p2align	4                               # -- Begin function two
	.type	two,@function
two:                                    # @two
.Lfunc_begin2:
	.cfi_startproc
# %bb.0:
                                        # kill: def $edi killed $edi def $rdi
	.loc	0 5 57 prologue_end             # forms-code.c:5:57
	leal	-7(%rdi), %eax
	movl	%edi, %ecx
	sarl	%ecx
	testb	$1, %dil
	cmovel	%ecx, %eax
.Ltmp19:
	.loc	0 5 90                          # forms-code.c:5:90
	retq
.Ltmp20:
.Lfunc_end2:
	.size	two, .Lfunc_end2-two
	.cfi_endproc
                                        # -- End function
	.p2align	4                               # -- Begin function three
	.type	three,@function
three:                                  # @three
.Lfunc_begin3:
	.cfi_startproc
# %bb.0:
	.loc	0 6 59 prologue_end             # forms-code.c:6:59
	movl	%edi, %ecx
	negl	%ecx
	movl	%edi, %eax
	xorl	$5, %eax
	testl	%edi, %edi
	cmovsl	%ecx, %eax
.Ltmp21:
	.loc	0 6 89                          # forms-code.c:6:89
	retq
.Ltmp22:
.Lfunc_end3:
	.size	three, .Lfunc_end3-three
	.cfi_endproc
                                        # -- End function
	.p2align	4                               # -- Begin function four
	.type	four,@function
four:                                   # @four
.Lfunc_begin4:
	.cfi_startproc
# %bb.0:
	.loc	0 7 58 prologue_end             # forms-code.c:7:58
	movl	%edi, %ecx
	imull	%edi, %ecx
	cmpl	$3, %edi
	movl	$4, %eax
	cmovnel	%ecx, %eax
.Ltmp23:
	.loc	0 7 88                          # forms-code.c:7:88
	retq
.Ltmp24:
.Lfunc_end4:
	.size	four, .Lfunc_end4-four
	.cfi_endproc
                                        # -- End function
	.type	.L.str,@object                  # @.str
	.section	.rodata.str1.1,"aMS",@progbits,1
.L.str:
	.asciz	"checksum %ld\n"
	.size	.L.str, 14

	.section	.debug_abbrev,"",@progbits
	.uleb128 1			# compile unit
	.uleb128 0x11			# DW_TAG_compile_unit
	.byte	1			# DW_CHILDREN_yes
	.uleb128 0x25, 0x08		# DW_AT_producer, DW_FORM_string
	.uleb128 0x13, 0x05		# DW_AT_language, DW_FORM_data2
	.uleb128 0x03, 0x08		# DW_AT_name, DW_FORM_string
	.uleb128 0x10, 0x17		# DW_AT_stmt_list, DW_FORM_sec_offset
	.uleb128 0x11, 0x29		# DW_AT_low_pc, DW_FORM_addrx1
	.uleb128 0x12, 0x06		# DW_AT_high_pc, DW_FORM_data4
	.uleb128 0x73, 0x17		# DW_AT_addr_base, DW_FORM_sec_offset
	.byte	0, 0
	.uleb128 2			# one: low_pc addrx1
	.uleb128 0x2e, 0		# DW_TAG_subprogram, no children
	.uleb128 0x03, 0x08		# DW_AT_name, DW_FORM_string
	.uleb128 0x11, 0x29		# DW_AT_low_pc, DW_FORM_addrx1
	.uleb128 0x12, 0x06		# DW_AT_high_pc, DW_FORM_data4
	.byte	0, 0
	.uleb128 3			# two: low_pc addrx2
	.uleb128 0x2e, 0
	.uleb128 0x03, 0x08
	.uleb128 0x11, 0x2a		# DW_AT_low_pc, DW_FORM_addrx2
	.uleb128 0x12, 0x06
	.byte	0, 0
	.uleb128 4			# three: low_pc addrx3
	.uleb128 0x2e, 0
	.uleb128 0x03, 0x08
	.uleb128 0x11, 0x2b		# DW_AT_low_pc, DW_FORM_addrx3
	.uleb128 0x12, 0x06
	.byte	0, 0
	.uleb128 5			# four: low_pc addrx4
	.uleb128 0x2e, 0
	.uleb128 0x03, 0x08
	.uleb128 0x11, 0x2c		# DW_AT_low_pc, DW_FORM_addrx4
	.uleb128 0x12, 0x06
	.byte	0, 0
	.uleb128 6			# main: every form in the DIE (DW_FORM_indirect)
	.uleb128 0x2e, 1		# DW_TAG_subprogram, children
	.uleb128 0x03, 0x16		# DW_AT_name, DW_FORM_indirect
	.uleb128 0x11, 0x16		# DW_AT_low_pc, DW_FORM_indirect
	.uleb128 0x12, 0x16		# DW_AT_high_pc, DW_FORM_indirect
	.uleb128 0x3f, 0x16		# DW_AT_external, DW_FORM_indirect
	.byte	0, 0
	.uleb128 7			# a constant of 16 bytes
	.uleb128 0x34, 0		# DW_TAG_variable, no children
	.uleb128 0x03, 0x08		# DW_AT_name, DW_FORM_string
	.uleb128 0x49, 0x13		# DW_AT_type, DW_FORM_ref4
	.uleb128 0x1c, 0x1e		# DW_AT_const_value, DW_FORM_data16
	.byte	0, 0
	.uleb128 8			# __int128
	.uleb128 0x24, 0		# DW_TAG_base_type, no children
	.uleb128 0x03, 0x08		# DW_AT_name, DW_FORM_string
	.uleb128 0x3e, 0x0b		# DW_AT_encoding, DW_FORM_data1
	.uleb128 0x0b, 0x21		# DW_AT_byte_size, DW_FORM_implicit_const
	.sleb128 16
	.byte	0, 0
	.byte	0			# end of the abbreviations

	.section	.debug_info,"",@progbits
.Lcu_begin:
	.long	.Lcu_end - .Lcu_version	# unit length
.Lcu_version:
	.short	5			# DWARF 5
	.byte	1			# DW_UT_compile
	.byte	8			# address size
	.long	.debug_abbrev		# abbreviation offset
	.uleb128 1			# DW_TAG_compile_unit
	.asciz	"hand-written DWARF 5"
	.short	0x1d			# DW_LANG_C11
	.asciz	"forms-code.c"
	.long	.Lline_table_start0
	.byte	0			# low_pc: address 0 (main)
	.long	.Lfunc_end4 - .Lfunc_begin0
	.long	.Laddr_table
	.uleb128 2			# one
	.asciz	"one"
	.byte	1			# address 1 (addrx1)
	.long	.Lfunc_end1 - .Lfunc_begin1
	.uleb128 3			# two
	.asciz	"two"
	.short	2			# address 2 (addrx2)
	.long	.Lfunc_end2 - .Lfunc_begin2
	.uleb128 4			# three
	.asciz	"three"
	.byte	3, 0, 0			# address 3 (addrx3)
	.long	.Lfunc_end3 - .Lfunc_begin3
	.uleb128 5			# four
	.asciz	"four"
	.long	4			# address 4 (addrx4)
	.long	.Lfunc_end4 - .Lfunc_begin4
	.uleb128 6			# main
	.uleb128 0x08			# name: DW_FORM_string
	.asciz	"main"
	.uleb128 0x1b			# low_pc: DW_FORM_addrx
	.uleb128 0
	.uleb128 0x06			# high_pc: DW_FORM_data4
	.long	.Lfunc_end0 - .Lfunc_begin0
	.uleb128 0x19			# external: DW_FORM_flag_present
	.uleb128 7			# the constant
	.asciz	"wide"
	.long	.Lint128 - .Lcu_begin
	.quad	0x0123456789abcdef, 0x7edcba9876543210
	.byte	0			# end of main's children
.Lint128:
	.uleb128 8
	.asciz	"__int128"
	.byte	0x05			# DW_ATE_signed
	.byte	0			# end of the unit's children
.Lcu_end:

	.section	.debug_addr,"",@progbits
	.long	.Laddr_end - .Laddr_version
.Laddr_version:
	.short	5
	.byte	8			# address size
	.byte	0			# segment selector size
.Laddr_table:
	.quad	.Lfunc_begin0
	.quad	.Lfunc_begin1
	.quad	.Lfunc_begin2
	.quad	.Lfunc_begin3
	.quad	.Lfunc_begin4
.Laddr_end:

	.section	".note.GNU-stack","",@progbits
	.section	.debug_line,"",@progbits
.Lline_table_start0:
